import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import type { StaffUser } from './accounts.js';
import { identifyCaller } from './caller.js';
import type { AccessPolicy } from './policy.js';

/** A logged-in staff member on one terminal. The cookie holds the token; the store, its hash. */
export interface Session {
  tokenHash: string;
  user: StaffUser;
  terminalSerial: string;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opens a session for a user who has just proved their password; returns the cookie token. */
export async function openSession(db: Db, userId: string, terminalSerial: string, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO sessions (token_hash, user_id, terminal_serial, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)', [
    tokenHash(token),
    userId,
    terminalSerial,
    now,
  ]);
  return token;
}

/** The session behind a cookie, on this terminal (see `identifyCaller`, which asks for both at once). */
export async function resumeSession(db: Db, token: string, terminalSerial: string, policy: AccessPolicy, now = new Date()): Promise<Session | undefined> {
  return (await identifyCaller(db, { terminalSerial, sessionToken: token }, policy, now))?.session;
}

export async function closeSession(db: Db, hash: string, now = new Date()): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [hash, now]);
}

/** Ends every open session of a user (deactivated, password reset or changed), except the one `keep` names. */
export async function endSessionsOf(db: Db, userId: string, now = new Date(), keep?: string): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL AND token_hash IS DISTINCT FROM $3', [userId, now, keep ?? null]);
}
