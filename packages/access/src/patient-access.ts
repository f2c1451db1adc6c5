import { randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import { consentGivenSql } from '@renkei/identity';
import { minutes, type AccessPolicy } from './policy.js';
import type { Session } from './sessions.js';

/** An open patient access: the card was presented in this session, on this terminal, a short while ago. */
export interface PatientAccess {
  id: string;
  personId: string;
  cardNumber: string;
  expiresAt: Date;
}

export async function openPatientAccess(db: Db, session: Session, card: { personId: string; cardNumber: string }, policy: AccessPolicy, now = new Date()): Promise<PatientAccess> {
  const id = randomBytes(18).toString('base64url');
  const expiresAt = new Date(now.getTime() + minutes(policy.patientAccessMinutes));
  await db.query(
    `INSERT INTO patient_accesses (id, session_token_hash, user_id, terminal_serial, person_id, card_number, opened_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, session.tokenHash, session.user.id, session.terminalSerial, card.personId, card.cardNumber, now, expiresAt],
  );
  return { id, personId: card.personId, cardNumber: card.cardNumber, expiresAt };
}

/**
 * The access behind an id, only for the session that opened it, before it
 * expires, while the card that opened it is still active (a card reported
 * lost closes what it opened), and while the patient's consent stands (a
 * withdrawal closes every open access at once).
 */
export async function findPatientAccess(db: Db, session: Session, accessId: string, now = new Date()): Promise<PatientAccess | undefined> {
  const { rows } = await db.query<{ id: string; person_id: string; card_number: string; expires_at: Date | string }>(
    `SELECT a.id, a.person_id, a.card_number, a.expires_at FROM patient_accesses a JOIN cards c ON c.card_number = a.card_number
      WHERE a.id = $1 AND a.session_token_hash = $2 AND a.terminal_serial = $3 AND a.expires_at > $4 AND c.status = 'active'
        AND ${consentGivenSql('a.person_id')}`,
    [accessId, session.tokenHash, session.terminalSerial, now],
  );
  const row = rows[0];
  return row && { id: row.id, personId: row.person_id, cardNumber: row.card_number, expiresAt: new Date(row.expires_at) };
}
