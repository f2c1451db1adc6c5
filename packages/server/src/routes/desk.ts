/**
 * The facility desk (受付・地域連携室): with the patient in front of them and their
 * card in hand, desk staff record a withdrawal of consent or its reversal, and
 * print the list of every access to the patient's history.
 */
import { canServeDesk, checkCard, recordConsent, type Session } from '@renkei/access';
import { deskCardRequest, deskConsentRequest, type AccessLog, type AccessLogEntry } from '@renkei/api';
import { personPseudonym } from '@renkei/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, cardNotAccepted, roleForbidden } from '../errors.js';
import { auditRequest, requireSession } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

/** Reads of a history, as the audit trail names them: what a patient asking "who looked" wants to see. */
const HISTORY_ACCESS = `(action LIKE 'patient.%' OR action IN ('card.present', 'history.view')) AND outcome = 'allowed'`;

export async function deskRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.post('/api/desk/consent', async (request) => {
    const session = requireDesk(request);
    const { card, withdrawn } = parseBody(deskConsentRequest, request.body);
    const personId = await cardHolder(request, options, card, withdrawn ? 'consent.withdraw' : 'consent.restore');
    await recordConsent(options.stores.identity, { personId, withdrawn, recordedBy: session.user.id, facilityCode: session.user.facilityCode });
    await auditRequest(request, options, { action: withdrawn ? 'consent.withdraw' : 'consent.restore', pseudonym: personPseudonym(options.keys.pseudonym, personId), outcome: 'allowed' });
    return { withdrawn };
  });

  app.post('/api/desk/access-log', async (request): Promise<AccessLog> => {
    requireDesk(request);
    const { card } = parseBody(deskCardRequest, request.body);
    const personId = await cardHolder(request, options, card, 'access-log.print');
    const pseudonym = personPseudonym(options.keys.pseudonym, personId);
    const { rows } = await options.stores.clinical.query<{ at: Date | string; facility: string | null; role: string | null; terminal: string | null; actor_kind: 'person' | 'process'; action: string }>(
      `SELECT at, facility, role, terminal, actor_kind, action FROM audit_events WHERE pseudonym = $1 AND ${HISTORY_ACCESS} ORDER BY at DESC, id DESC LIMIT 5000`,
      [pseudonym],
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

function requireDesk(request: FastifyRequest): Session {
  const session = requireSession(request);
  if (!canServeDesk(session.user.role)) throw roleForbidden();
  return session;
}

/** The person a presented card belongs to; a made-up or inactive card is refused (and audited). */
async function cardHolder(request: FastifyRequest, options: ResolvedOptions, card: string, action: string): Promise<string> {
  const checked = await checkCard(options.stores.identity, options.keys, card);
  if (checked.status === 'valid') return checked.personId;
  await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: checked.status === 'unknown' ? 'unknown card' : `card ${checked.cardStatus}` } });
  if (checked.status === 'unknown') throw cardNotAccepted();
  throw new ApiError(403, `card-${checked.cardStatus}`, 'このカードは現在使用できません。本人確認のうえ、カードの再発行を行ってください');
}
