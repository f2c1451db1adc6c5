/**
 * The facility desk (受付・地域連携室): with the patient in front of them and their
 * card in hand, desk staff record a withdrawal of consent or its reversal, and
 * print the list of every access to the patient's history.
 */
import { issueCard, setCardStatus, type Session } from '@renkei/access';
import { renderCardPdf } from '@renkei/documents';
import { deskCardRequest, deskCardStatus, deskConsentRequest, deskIssueCard, deskLinkPersons, deskPersonSearch, deskUndoLink, type AccessLog, type MyNumberSignature, type AccessLogEntry, type DeskCandidate } from '@renkei/api';
import { findCandidates, linkedPersonIds, linkPersons, personPseudonym, readPersonRecord, recordConsent, undoLink } from '@renkei/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cardHolder, type CardRefusals } from '../card-holder.js';
import { ApiError } from '../errors.js';
import { auditRequest, requireDesk } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

/** Reads of a history, as the audit trail names them: what a patient asking "who looked" wants to see. */
const HISTORY_ACCESS = `(action LIKE 'patient.%' OR action IN ('card.present', 'history.view')) AND outcome = 'allowed'`;

export async function deskRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.post('/api/desk/consent', async (request) => {
    const session = requireDesk(request);
    const { withdrawn, ...key } = parseBody(deskConsentRequest, request.body);
    const personId = await deskCardHolder(request, options, session, key, withdrawn ? 'consent.withdraw' : 'consent.restore');
    await recordConsent(options.stores.identity, { personId, withdrawn, recordedBy: session.user.id, facilityCode: session.user.facilityCode });
    await auditRequest(request, options, { action: withdrawn ? 'consent.withdraw' : 'consent.restore', pseudonym: personPseudonym(options.keys.pseudonym, personId), outcome: 'allowed' });
    return { withdrawn };
  });

  app.post('/api/desk/access-log', async (request): Promise<AccessLog> => {
    const session = requireDesk(request);
    const key = parseBody(deskCardRequest, request.body);
    const personId = await deskCardHolder(request, options, session, key, 'access-log.print');
    const pseudonym = personPseudonym(options.keys.pseudonym, personId);
    // The trail of every person linked into this one is this patient's too.
    const pseudonyms = (await linkedPersonIds(options.stores.identity, personId)).map((id) => personPseudonym(options.keys.pseudonym, id));
    const { rows } = await options.stores.clinical.query<{ at: Date | string; facility: string | null; role: string | null; terminal: string | null; actor_kind: 'person' | 'process'; action: string }>(
      `SELECT at, facility, role, terminal, actor_kind, action FROM audit_events WHERE pseudonym = ANY($1::uuid[]) AND ${HISTORY_ACCESS} ORDER BY at DESC, id DESC LIMIT 5000`,
      [pseudonyms],
    );
    const codes = [...new Set(rows.map((r) => r.facility).filter((c): c is string => c !== null))];
    const names = new Map(
      (await options.stores.identity.query<{ code: string; name: string }>('SELECT code, name FROM facilities WHERE code = ANY($1::text[])', [codes])).rows.map((f) => [f.code, f.name]),
    );
    await auditRequest(request, options, { action: 'access-log.print', pseudonym, outcome: 'allowed', detail: { entries: rows.length } });
    const entries: AccessLogEntry[] = rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      facilityCode: r.facility,
      facilityName: r.facility ? (names.get(r.facility) ?? null) : null,
      role: r.role,
      terminal: r.terminal,
      actorKind: r.actor_kind,
      action: r.action,
    }));
    return { entries };
  });
}

export async function deskCardRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  /** Candidates for the person in front of the desk: enough to confirm who it is, nothing of their history. */
  app.post('/api/desk/persons/search', async (request): Promise<{ candidates: DeskCandidate[] }> => {
    requireDesk(request);
    const q = parseBody(deskPersonSearch, request.body);
    const found = await findCandidates(options.stores.identity, options.keys, { ...q, sex: q.sex === undefined ? undefined : q.sex === 'male' ? 1 : 2 });
    await auditRequest(request, options, { action: 'desk.person.search', outcome: 'allowed', detail: { candidates: found.length, by: q.kana ? 'kana' : 'insurance card' } });
    return { candidates: found.map((c) => ({ ...c, sex: c.sex === 1 ? 'male' : 'female' })) };
  });

  /** Issues (or reissues) a card and answers with it as a card-sized PDF: the secret is printed, never stored. */
  app.post('/api/desk/cards', async (request, reply) => {
    const session = requireDesk(request);
    const { personId, replacing } = parseBody(deskIssueCard, request.body);
    const person = await readPersonRecord(options.stores.identity, options.keys, personId);
    if (!person) throw new ApiError(404, 'person-not-found', '該当する患者が見つかりません');
    if (replacing) {
      const owned = await options.stores.identity.query('SELECT 1 FROM cards WHERE card_number = $1 AND person_id = $2', [replacing, personId]);
      if (owned.rows.length === 0) throw new ApiError(404, 'card-not-found', '再発行するカードが見つかりません');
    }
    const card = await issueCard(options.stores.identity, options.keys, personId, { replacing, label: session.user.facilityCode ?? undefined });
    await auditRequest(request, options, { action: replacing ? 'card.reissue' : 'card.issue', pseudonym: personPseudonym(options.keys.pseudonym, personId), outcome: 'allowed', detail: { card: card.cardNumber, ...(replacing ? { replaced: replacing } : {}) } });
    const pdf = await renderCardPdf({ qr: card.qr, cardNumber: card.cardNumber, name: person.name, issuedOn: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10) });
    return reply.type('application/pdf').header('X-Card-Number', card.cardNumber).header('Content-Disposition', 'inline; filename="card.pdf"').send(pdf);
  });

  /** The patient changed insurer or job: two persons as the claims saw them are one, and the history continues across them. */
  app.post('/api/desk/persons/link', async (request) => {
    const session = requireDesk(request);
    const { personId, otherPersonId } = parseBody(deskLinkPersons, request.body);
    const result = await linkPersons(options.stores.identity, { keptPersonId: personId, mergedPersonId: otherPersonId, linkedBy: session.user.id });
    const pseudonyms = { pseudonym: personPseudonym(options.keys.pseudonym, personId), detail: { merged: personPseudonym(options.keys.pseudonym, otherPersonId) } };
    if (result.status === 'refused') {
      await auditRequest(request, options, { action: 'person.link', ...pseudonyms, outcome: 'refused', detail: { ...pseudonyms.detail, reason: result.reason } });
      throw new ApiError(result.reason === 'consent-differs' ? 409 : 404, `link-${result.reason}`, LINK_REFUSALS[result.reason]);
    }
    options.persons.clear();
    await auditRequest(request, options, { action: 'person.link', ...pseudonyms, outcome: 'allowed', detail: { ...pseudonyms.detail, link: result.linkId } });
    return { linkId: result.linkId };
  });

  /** A wrong link undone: exactly what moved moves back. */
  app.post('/api/desk/persons/unlink', async (request) => {
    const session = requireDesk(request);
    const { linkId } = parseBody(deskUndoLink, request.body);
    const undone = await undoLink(options.stores.identity, linkId, session.user.id);
    if (!undone) throw new ApiError(404, 'link-not-found', 'この統合は見つからないか、すでに取り消されています');
    options.persons.clear();
    await auditRequest(request, options, {
      action: 'person.unlink',
      pseudonym: personPseudonym(options.keys.pseudonym, undone.keptPersonId),
      outcome: 'allowed',
      detail: { merged: personPseudonym(options.keys.pseudonym, undone.mergedPersonId), link: linkId },
    });
    return { linkId };
  });

  /** Suspends, revokes (a lost card) or reactivates a card, at once. */
  app.post('/api/desk/cards/status', async (request) => {
    requireDesk(request);
    const { cardNumber, status } = parseBody(deskCardStatus, request.body);
    const owner = await options.stores.identity.query<{ person_id: string; status: string }>('SELECT person_id, status FROM cards WHERE card_number = $1', [cardNumber]);
    const row = owner.rows[0];
    // A replaced card stays replaced: the newer card is the patient's.
    if (!row || row.status === 'replaced') throw new ApiError(404, 'card-not-found', 'このカード番号は見つからないか、再発行済みです');
    await setCardStatus(options.stores.identity, cardNumber, status);
    await auditRequest(request, options, { action: `card.${status === 'active' ? 'reactivate' : status === 'suspended' ? 'suspend' : 'revoke'}`, pseudonym: personPseudonym(options.keys.pseudonym, row.person_id), outcome: 'allowed', detail: { card: cardNumber } });
    return { cardNumber, status };
  });
}

const LINK_REFUSALS: Record<'same-person' | 'unknown-person' | 'consent-differs', string> = {
  'same-person': '同じ患者どうしは統合できません',
  'unknown-person': '該当する患者が見つかりません',
  'consent-differs': '二人の同意の状態が異なるため統合できません。先に患者本人と同意を確認してください',
};

/** What desk staff are told of a card that cannot identify the patient. */
const DESK_REFUSALS: CardRefusals = {
  inactive: () => 'このカードは現在使用できません。本人確認のうえ、カードの再発行を行ってください',
  unbound: 'このマイナンバーカードは連携に登録されていません。本人確認のうえ、登録してください',
};

/** The person whose card the desk holds: a Renkei card, or a My Number card signing an `identify` challenge. */
async function deskCardHolder(request: FastifyRequest, options: ResolvedOptions, session: Session, key: { card?: string | undefined; myNumber?: MyNumberSignature | undefined }, action: string): Promise<string> {
  return (await cardHolder(request, options, session, key, { action, purpose: 'identify', refusals: DESK_REFUSALS })).personId;
}
