import { randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import { consentGivenSql } from '@renkei/identity';
import { minutes, type AccessLimits } from './limits.js';
import type { Session } from './sessions.js';

/** What opened an access: a Renkei card, or a My Number card bound to the patient. */
export type PatientKey = { cardNumber: string } | { myNumberFingerprint: string };

/** An open patient access: a card was presented in this session, on this terminal, a short while ago. */
export interface PatientAccess {
  id: string;
  personId: string;
  key: PatientKey;
  expiresAt: Date;
}

export async function openPatientAccess(db: Db, session: Session, opened: { personId: string; key: PatientKey }, policy: AccessLimits, now = new Date()): Promise<PatientAccess> {
  const id = randomBytes(18).toString('base64url');
  const expiresAt = new Date(now.getTime() + minutes(policy.patientAccessMinutes));
  const cardNumber = 'cardNumber' in opened.key ? opened.key.cardNumber : null;
  const fingerprint = 'myNumberFingerprint' in opened.key ? opened.key.myNumberFingerprint : null;
  await db.query(
    `INSERT INTO patient_accesses (id, session_token_hash, user_id, terminal_serial, person_id, card_number, my_number_fingerprint, opened_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, session.tokenHash, session.user.id, session.terminalSerial, opened.personId, cardNumber, fingerprint, now, expiresAt],
  );
  return { id, personId: opened.personId, key: opened.key, expiresAt };
}

/**
 * Closes for good the accesses a key opened (a card suspended, revoked or
 * replaced; a My Number card unbound) or, for a withdrawal of consent, all of
 * the persons'. Reactivating the card or giving consent back opens nothing:
 * the patient presents their card again.
 */
export async function closePatientAccesses(db: Db, opened: { cardNumber: string } | { myNumberFingerprint: string } | { personIds: readonly string[] }, now = new Date()): Promise<number> {
  const [column, value] =
    'cardNumber' in opened ? ['card_number = $1', opened.cardNumber] : 'myNumberFingerprint' in opened ? ['my_number_fingerprint = $1', opened.myNumberFingerprint] : ['person_id = ANY($1::uuid[])', [...opened.personIds]];
  const { rows } = await db.query(`UPDATE patient_accesses SET closed_at = $2 WHERE ${column} AND closed_at IS NULL RETURNING id`, [value, now]);
  return rows.length;
}

/**
 * The access behind an id, only for the session that opened it, before it
 * expires, unless closed (see `closePatientAccesses`), while the key that opened it still works (a Renkei card reported
 * lost, or a My Number card unbound, closes what it opened), and while the
 * patient's consent stands (a withdrawal closes every open access at once).
 * `identifyCaller` asks the same question in its own query when it is given the access id.
 */
export async function findPatientAccess(db: Db, session: Session, accessId: string, now = new Date()): Promise<PatientAccess | undefined> {
  const { rows } = await db.query<OpenAccessRow>(`SELECT ${OPEN_ACCESS_COLUMNS} FROM ${openAccessSql({ id: '$1', sessionHash: '$2', terminal: '$3', now: '$4' })}`, [
    accessId,
    session.tokenHash,
    session.terminalSerial,
    now,
  ]);
  return rows[0] && toPatientAccess(rows[0]);
}

export interface OpenAccessRow {
  access_id: string;
  access_person_id: string;
  access_card_number: string | null;
  access_my_number_fingerprint: string | null;
  access_expires_at: Date | string;
}

export const OPEN_ACCESS_COLUMNS = 'a.id AS access_id, a.person_id AS access_person_id, a.card_number AS access_card_number, a.my_number_fingerprint AS access_my_number_fingerprint, a.expires_at AS access_expires_at';

/** FROM-clause of the open access (alias `a`) with the given id, for the given session and terminal, at `now`: the parameters are SQL placeholders. */
export function openAccessSql(p: { id: string; sessionHash: string; terminal: string; now: string }): string {
  return `patient_accesses a
       LEFT JOIN cards c ON c.card_number = a.card_number
       LEFT JOIN my_number_bindings b ON b.fingerprint = a.my_number_fingerprint
      WHERE a.id = ${p.id} AND a.session_token_hash = ${p.sessionHash} AND a.terminal_serial = ${p.terminal} AND a.expires_at > ${p.now} AND a.closed_at IS NULL
        AND (c.status = 'active' OR (b.unbound_at IS NULL AND b.person_id = a.person_id AND b.not_after > ${p.now}))
        AND ${consentGivenSql('a.person_id')}`;
}

export function toPatientAccess(row: OpenAccessRow): PatientAccess {
  const key: PatientKey = row.access_card_number !== null ? { cardNumber: row.access_card_number } : { myNumberFingerprint: row.access_my_number_fingerprint! };
  return { id: row.access_id, personId: row.access_person_id, key, expiresAt: new Date(row.access_expires_at) };
}
