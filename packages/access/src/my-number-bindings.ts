/**
 * My Number cards in the identity store: the one-time challenges the server
 * asks a card to sign, and the binding of a card's user-authentication
 * certificate to a person, made at a facility desk after the patient's
 * identity is checked there.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import { closePatientAccesses } from './patient-access.js';
import type { Session } from './sessions.js';

/** bind: the desk binds a card; identify: the desk identifies the patient by it (consent, access log); present: a clinician opens the patient. */
export type ChallengePurpose = 'bind' | 'identify' | 'present';

/** Long enough to type a 4-digit PIN on a card reader's keypad, short enough that a copy is of no use. */
const CHALLENGE_SECONDS = 120;

/** A fresh challenge for this session: `renkei-jpki:v1:<purpose>:<256 random bits>`, the form the card helper agrees to sign. */
export async function createChallenge(db: Db, session: Session, purpose: ChallengePurpose, now = new Date()): Promise<{ challenge: string; expiresAt: Date }> {
  const challenge = `renkei-jpki:v1:${purpose}:${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + CHALLENGE_SECONDS * 1000);
  // Expired challenges are cleared as new ones are made: the table stays as small as the number of cards being read.
  await db.query('DELETE FROM my_number_challenges WHERE expires_at < $1', [now]);
  await db.query('INSERT INTO my_number_challenges (challenge, session_token_hash, purpose, expires_at) VALUES ($1, $2, $3, $4)', [challenge, session.tokenHash, purpose, expiresAt]);
  return { challenge, expiresAt };
}

/**
 * Uses up a challenge: true only once, for the session it was made for, for its
 * purpose, before it expires. Another session's attempt leaves it in place, so
 * nobody can cancel someone else's card read by replaying its challenge.
 */
export async function consumeChallenge(db: Db, session: Session, challenge: string, purpose: ChallengePurpose, now = new Date()): Promise<boolean> {
  const { rows } = await db.query(
    'DELETE FROM my_number_challenges WHERE challenge = $1 AND session_token_hash = $2 AND purpose = $3 AND expires_at > $4 RETURNING 1',
    [challenge, session.tokenHash, purpose, now],
  );
  return rows.length === 1;
}

export interface VerifiedCardCertificate {
  fingerprint: string;
  issuer: string;
  serial: string;
  notAfter: Date;
}

export type BindResult = { status: 'bound'; boundAt: Date; notAfter: Date } | { status: 'refused'; reason: 'unknown-person' | 'bound-to-another' };

/** Binds a verified certificate to a person. Binding the same card to the same person again is a no-op; to another person, a refusal. */
export async function bindMyNumberCard(db: Db, personId: string, certificate: VerifiedCardCertificate, boundBy: string, now = new Date()): Promise<BindResult> {
  return db.transaction(async (tx) => {
    const person = await tx.query('SELECT 1 FROM persons WHERE id = $1', [personId]);
    if (person.rows.length === 0) return { status: 'refused', reason: 'unknown-person' } as const;
    const existing = await tx.query<{ person_id: string; unbound_at: Date | null; bound_at: Date | string }>('SELECT person_id, unbound_at, bound_at FROM my_number_bindings WHERE fingerprint = $1 FOR UPDATE', [certificate.fingerprint]);
    const row = existing.rows[0];
    if (row && !row.unbound_at) {
      return row.person_id === personId ? ({ status: 'bound', boundAt: new Date(row.bound_at), notAfter: certificate.notAfter } as const) : ({ status: 'refused', reason: 'bound-to-another' } as const);
    }
    await tx.query(
      `INSERT INTO my_number_bindings (fingerprint, person_id, issuer, serial, not_after, bound_at, bound_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (fingerprint) DO UPDATE SET person_id = EXCLUDED.person_id, bound_at = EXCLUDED.bound_at, bound_by = EXCLUDED.bound_by, unbound_at = NULL, unbound_by = NULL`,
      [certificate.fingerprint, personId, certificate.issuer, certificate.serial, certificate.notAfter, now, boundBy],
    );
    return { status: 'bound', boundAt: now, notAfter: certificate.notAfter } as const;
  });
}

/** Ends every binding of a person (the card was renewed, lost, or bound by mistake); accesses it opened close with it. Returns how many ended. */
export async function unbindMyNumberCards(db: Db, personId: string, unboundBy: string, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ fingerprint: string }>(
      'UPDATE my_number_bindings SET unbound_at = $2, unbound_by = $3 WHERE person_id = $1 AND unbound_at IS NULL RETURNING fingerprint',
      [personId, now, unboundBy],
    );
    // What the card opened stays closed, even if it is bound again.
    for (const r of rows) await closePatientAccesses(tx, { myNumberFingerprint: r.fingerprint }, now);
    return rows.length;
  });
}

/** The person a certificate is bound to, if it is. */
export async function findBoundPerson(db: Db, fingerprint: string): Promise<string | undefined> {
  const { rows } = await db.query<{ person_id: string }>('SELECT person_id FROM my_number_bindings WHERE fingerprint = $1 AND unbound_at IS NULL', [fingerprint]);
  return rows[0]?.person_id;
}

/** A card's binding as the patient detail page shows it, while it stands. */
export async function myNumberBinding(db: Db, fingerprint: string): Promise<{ boundAt: Date; notAfter: Date } | undefined> {
  const { rows } = await db.query<{ bound_at: Date | string; not_after: Date | string }>('SELECT bound_at, not_after FROM my_number_bindings WHERE fingerprint = $1 AND unbound_at IS NULL', [fingerprint]);
  const row = rows[0];
  return row && { boundAt: new Date(row.bound_at), notAfter: new Date(row.not_after) };
}
