/**
 * The facility desk (受付・地域連携室). The desk acts on a person only once it
 * has found them: by the card in the patient's hand (a Renkei card's QR text,
 * or their My Number card), or through the identity check at this facility
 * (the person search, by insurance card or kana name with the birth date),
 * which lets this session act on the persons found for a while. Every action
 * records the facility, and commits with its audit record.
 */
import { cardReference, cardsOfPerson, checkCard, closePatientAccesses, facilityNames, identityChecked, issueCard, recordIdentityCheck, setCardStatus, workingCardOf, type Session } from '@renkei/access';
import { renderAccessLogPdf, renderCardPdf } from '@renkei/documents';
import { deskCardRequest, deskCardStatus, deskConsentRequest, deskIssueCard, deskLinkPersons, deskPersonSearch, deskUndoLink, type AccessLog, type DeskCandidate, type DeskCardHolder, type MyNumberSignature } from '@renkei/api';
import { findCandidates, identifyingDifferences, linkedPersonIds, linkPersons, personPseudonym, readPersonRecord, recordConsent, requestPersonLink, undoLink } from '@renkei/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cardHolder, type CardRefusals } from '../card-holder.js';
import { ApiError } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, changeIdentity, contextOf } from '../request-audit.js';
import { parseBody } from '../validation.js';

/** At most this many candidates a search answers (and the session may then act on). */
const MAX_CANDIDATES = 20;

const personNotFound = () => new ApiError(404, 'person-not-found', '該当する患者が見つかりません。保険証などで本人確認（患者検索）をしてからやり直してください');

export async function deskRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const desk = (action: string, extra: { rateLimit?: 'desk-search' } = {}) => ({ config: { access: 'desk', action, ...extra } }) as const;

  app.post('/api/desk/consent', desk('consent.change'), async (request) => {
    const session = sessionOf(request);
    const { withdrawn, ...key } = parseBody(deskConsentRequest, request.body);
    const action = withdrawn ? 'consent.withdraw' : 'consent.restore';
    const personId = await deskCardHolder(request, options, session, key, action);
    await changeIdentity(request, options, async (tx) => {
      await recordConsent(tx, { personId, withdrawn, recordedBy: session.user.id, facilityCode: session.user.facilityCode });
      // A withdrawal closes every open access for good; giving consent back opens none of them again.
      return withdrawn ? closePatientAccesses(tx, { personIds: await linkedPersonIds(tx, personId) }) : 0;
    }, (closed: number) => ({ action, pseudonym: pseudonymOf(options, personId), outcome: 'allowed', detail: { closedAccesses: closed } }));
    return { withdrawn };
  });

  app.post('/api/desk/access-log', desk('access-log.print'), async (request): Promise<AccessLog> => {
    const session = sessionOf(request);
    const key = parseBody(deskCardRequest, request.body);
    const personId = await deskCardHolder(request, options, session, key, 'access-log.print');
    return options.records.accessLog(contextOf(request), personId);
  });

  /** The same access log as an A4 PDF for the patient to take home: their name, the printing facility and time on every page. */
  app.post('/api/desk/access-log.pdf', desk('access-log.print'), async (request, reply) => {
    const session = sessionOf(request);
    const key = parseBody(deskCardRequest, request.body);
    const personId = await deskCardHolder(request, options, session, key, 'access-log.print');
    const person = await readPersonRecord(options.stores.identity, options.keys, personId);
    if (!person) throw personNotFound();
    const log = await options.records.accessLog(contextOf(request), personId);
    const facility = deskFacility(session);
    const facilityName = (await facilityNames(options.stores.identity, [facility])).get(facility) ?? null;
    const pdf = await renderAccessLogPdf({ patient: { name: person.name, birthDate: person.birthDate }, log, printedAt: new Date(), facilityName });
    return reply.type('application/pdf').header('Content-Disposition', 'inline; filename="access-log.pdf"').send(pdf);
  });

  /**
   * Who holds the card the desk has in hand: the name, kana and birth date to
   * confirm with the patient before an action such as a withdrawal of consent.
   * Nothing of their history.
   */
  app.post('/api/desk/card-holder', desk('desk.card-holder'), async (request): Promise<DeskCardHolder> => {
    const session = sessionOf(request);
    const key = parseBody(deskCardRequest, request.body);
    const personId = await deskCardHolder(request, options, session, key, 'desk.card-holder');
    const person = await readPersonRecord(options.stores.identity, options.keys, personId);
    if (!person) throw personNotFound();
    await auditRequest(request, options, { action: 'desk.card-holder', pseudonym: pseudonymOf(options, personId), outcome: 'allowed' });
    return { name: person.name, kana: person.kana, birthDate: person.birthDate, sex: person.sex === 1 ? 'male' : 'female' };
  });

  /** Candidates for the person in front of the desk: enough to confirm who it is, nothing of their history. The session may then act on them. */
  app.post('/api/desk/persons/search', desk('desk.person.search', { rateLimit: 'desk-search' }), async (request): Promise<{ candidates: DeskCandidate[] }> => {
    const session = sessionOf(request);
    const q = parseBody(deskPersonSearch, request.body);
    const found = (await findCandidates(options.stores.identity, options.keys, { ...q, sex: q.sex === undefined ? undefined : q.sex === 'male' ? 1 : 2 })).slice(0, MAX_CANDIDATES);
    await changeIdentity(request, options, (tx) =>
      recordIdentityCheck(tx, { sessionTokenHash: session.tokenHash, personIds: found.map((c) => c.personId), facilityCode: deskFacility(session) }), { action: 'desk.person.search', outcome: 'allowed', detail: { candidates: found.length, by: q.kana ? 'kana' : 'insurance card' } },
    );
    // The working card of each candidate: a lost one is suspended or revoked by its number once the person is found.
    const workingCards = await Promise.all(found.map((c) => workingCardOf(options.stores.identity, c.personId)));
    return {
      candidates: found.map((c, i) => {
        const working = workingCards[i];
        return { ...c, sex: c.sex === 1 ? 'male' : 'female', workingCard: working ? { cardNumber: working.cardNumber, status: working.status } : null };
      }),
    };
  });

  /**
   * Issues a card and answers with it as a card-sized PDF (the secret is
   * printed, never stored). The person holds one working card: every card
   * before it stops at once, so a card made behind the patient's back stops
   * theirs, and they notice.
   */
  app.post('/api/desk/cards', desk('card.issue'), async (request, reply) => {
    const session = sessionOf(request);
    const { personId, replacing, identityDocument } = parseBody(deskIssueCard, request.body);
    await requireIdentityChecked(request, options, session, personId, 'card.issue');
    const person = await readPersonRecord(options.stores.identity, options.keys, personId);
    if (!person) throw personNotFound();
    const working = await workingCardOf(options.stores.identity, personId);
    if (replacing !== undefined && working?.cardNumber !== replacing) throw new ApiError(404, 'card-not-found', '再発行するカードが見つかりません');
    const facilityCode = deskFacility(session);
    const card = await changeIdentity(
      request,
      options,
      (tx) => issueCard(tx, options.keys, personId, { label: facilityCode, issue: { issuedBy: session.user.id, facilityCode, identityDocument } }),
      (issued) => ({
        action: issued.replaced.length > 0 ? 'card.reissue' : 'card.issue',
        pseudonym: pseudonymOf(options, personId),
        outcome: 'allowed',
        detail: { card: cardReference(options.keys, issued.cardNumber), replaced: issued.replaced.map((c) => cardReference(options.keys, c)), identityDocument },
      }),
    );
    const pdf = await renderCardPdf({ qr: card.qr, cardNumber: card.cardNumber, name: person.name, issuedOn: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10) });
    return reply.type('application/pdf').header('X-Card-Number', card.cardNumber).header('Content-Disposition', 'inline; filename="card.pdf"').send(pdf);
  });

  /** Suspends, revokes (a lost card) or reactivates a card, at once: with the card in hand, or a lost one by its number for a person found through the identity check. */
  app.post('/api/desk/cards/status', desk('card.status'), async (request) => {
    const session = sessionOf(request);
    const body = parseBody(deskCardStatus, request.body);
    const action = `card.${body.status === 'active' ? 'reactivate' : body.status === 'suspended' ? 'suspend' : 'revoke'}`;
    const card = await cardForStatusChange(request, options, session, body, action);
    const changed = await changeIdentity(request, options, (tx) =>
      setCardStatus(tx, card, body.status, { userId: session.user.id, facilityCode: deskFacility(session) }), { action, pseudonym: pseudonymOf(options, card.personId), outcome: 'allowed', detail: { card: cardReference(options.keys, card.cardNumber) } },
    );
    if (!changed) throw new ApiError(409, 'card-status-unchanged', 'このカードはすでにその状態か、再発行済みです');
    return { cardNumber: card.cardNumber, status: body.status };
  });

  /**
   * The patient changed insurer or job: two persons as the claims saw them are
   * one, and the history continues across them. Both must be found through the
   * identity check; if their names or birth dates differ, the desk cannot link
   * them: the request goes to the network's operator.
   */
  app.post('/api/desk/persons/link', desk('person.link'), async (request, reply) => {
    const session = sessionOf(request);
    const { personId, otherPersonId } = parseBody(deskLinkPersons, request.body);
    const pseudonyms = { pseudonym: pseudonymOf(options, personId), detail: { merged: pseudonymOf(options, otherPersonId) } };
    for (const id of [personId, otherPersonId]) await requireIdentityChecked(request, options, session, id, 'person.link');
    const [kept, merged] = await Promise.all([personId, otherPersonId].map((id) => readPersonRecord(options.stores.identity, options.keys, id)));
    if (!kept || !merged) throw personNotFound();
    const differs = identifyingDifferences(kept, merged);
    if (personId !== otherPersonId && differs.length > 0) {
      const requestId = await changeIdentity(request, options, (tx) =>
        requestPersonLink(tx, { keptPersonId: personId, mergedPersonId: otherPersonId, differs, requestedBy: session.user.id, facilityCode: deskFacility(session) }), (id: number) => ({ action: 'person.link.request', ...pseudonyms, outcome: 'allowed', detail: { ...pseudonyms.detail, differs, request: id } }),
      );
      reply.code(202);
      return { requestId, status: 'pending-approval', differs };
    }
    const result = await changeIdentity(
      request,
      options,
      async (tx) => {
        const linked = await linkPersons(tx, { keptPersonId: personId, mergedPersonId: otherPersonId, linkedBy: session.user.id, facilityCode: deskFacility(session) });
        if (linked.status === 'linked') for (const cardNumber of linked.replacedCards) await closePatientAccesses(tx, { cardNumber });
        return linked;
      },
      (r) => ({ action: 'person.link', ...pseudonyms, outcome: r.status === 'linked' ? 'allowed' : 'refused', detail: { ...pseudonyms.detail, ...(r.status === 'linked' ? { link: r.linkId } : { reason: r.reason }) } }),
    );
    if (result.status === 'refused') {
      request.refusalAudited = true;
      throw new ApiError(result.reason === 'consent-differs' ? 409 : 404, `link-${result.reason}`, LINK_REFUSALS[result.reason]);
    }
    options.records.personsChanged();
    return { linkId: result.linkId };
  });

  /** A wrong link undone: exactly what moved moves back. The kept person must be found through the identity check. */
  app.post('/api/desk/persons/unlink', desk('person.unlink'), async (request) => {
    const session = sessionOf(request);
    const { linkId } = parseBody(deskUndoLink, request.body);
    const undone = await changeIdentity(
      request,
      options,
      async (tx) => {
        const link = await undoLink(tx, linkId, session.user.id, async (keptPersonId) => identityChecked(tx, { sessionTokenHash: session.tokenHash, personId: keptPersonId, facilityCode: deskFacility(session) }));
        if (!link) throw new ApiError(404, 'link-not-found', 'この統合は見つからないか、すでに取り消されています（統合した患者の本人確認が必要です）');
        return link;
      },
      (u) => ({ action: 'person.unlink', pseudonym: pseudonymOf(options, u.keptPersonId), outcome: 'allowed', detail: { merged: pseudonymOf(options, u.mergedPersonId), link: linkId } }),
    );
    options.records.personsChanged();
    return { linkId, keptPersonId: undone.keptPersonId };
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

/** The desk's facility: desk roles always work at one. */
function deskFacility(session: Session): string {
  if (!session.user.facilityCode) throw new ApiError(403, 'role-forbidden', 'この操作はあなたの職種では利用できません');
  return session.user.facilityCode;
}

const pseudonymOf = (options: ResolvedOptions, personId: string) => personPseudonym(options.keys.pseudonym, personId);

/** The person whose card the desk holds: a Renkei card, or a My Number card signing an `identify` challenge. */
async function deskCardHolder(request: FastifyRequest, options: ResolvedOptions, session: Session, key: { card?: string | undefined; myNumber?: MyNumberSignature | undefined }, action: string): Promise<string> {
  return (await cardHolder(request, options, session, key, { action, purpose: 'identify', refusals: DESK_REFUSALS })).personId;
}

/** This session found the person through the identity check at this facility, a short while ago; else refused (audited) as an unknown person is. */
export async function requireIdentityChecked(request: FastifyRequest, options: ResolvedOptions, session: Session, personId: string, action: string): Promise<void> {
  if (await identityChecked(options.stores.identity, { sessionTokenHash: session.tokenHash, personId, facilityCode: deskFacility(session) })) return;
  await auditRequest(request, options, { action, pseudonym: pseudonymOf(options, personId), outcome: 'refused', detail: { reason: 'identity not checked at this desk' } });
  throw personNotFound();
}

/**
 * The card a status change is for: the Renkei card presented (active, or one
 * suspended: the patient is holding it), the working card of the My Number
 * card's holder, or a card of a person found through the identity check.
 */
async function cardForStatusChange(
  request: FastifyRequest,
  options: ResolvedOptions,
  session: Session,
  body: { card?: string | undefined; myNumber?: MyNumberSignature | undefined; cardNumber?: string | undefined; personId?: string | undefined },
  action: string,
): Promise<{ cardNumber: string; personId: string }> {
  const notFound = () => new ApiError(404, 'card-not-found', 'このカードは見つからないか、再発行済みです');
  if (body.cardNumber !== undefined && body.personId !== undefined) {
    await requireIdentityChecked(request, options, session, body.personId, action);
    const cards = await cardsOfPerson(options.stores.identity, body.personId);
    if (!cards.includes(body.cardNumber)) throw notFound();
    return { cardNumber: body.cardNumber, personId: body.personId };
  }
  if (body.myNumber !== undefined) {
    const personId = await deskCardHolder(request, options, session, { myNumber: body.myNumber }, action);
    const working = await workingCardOf(options.stores.identity, personId);
    if (!working) throw notFound();
    return { cardNumber: working.cardNumber, personId };
  }
  const presented = await presentedCard(options, body.card!);
  if (!presented) {
    await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: 'unknown card' } });
    throw notFound();
  }
  return presented;
}

/** A Renkei card held at the desk, working or not (a suspended card is still the patient's, to reactivate); not a replaced or made-up one. */
async function presentedCard(options: ResolvedOptions, qr: string): Promise<{ cardNumber: string; personId: string } | undefined> {
  const checked = await checkCard(options.stores.identity, options.keys, qr);
  if (checked.status === 'valid' || (checked.status === 'inactive' && checked.cardStatus !== 'replaced')) return { cardNumber: checked.cardNumber, personId: checked.personId };
  return undefined;
}
