import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import type { StaffUser } from './accounts.js';
import { identifyCaller } from './caller.js';
import type { AccessLimits } from './limits.js';
import { holdsParallelSessions } from './policy.js';

/** A logged-in staff member on one terminal. The cookie holds the token; the store, its hash. */
export interface Session {
  tokenHash: string;
  user: StaffUser;
  terminalSerial: string;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opens a session for a user who has just proved their password; returns the
 * cookie token. Unless their role may work on several PCs at once, their
 * older sessions end: an ID left logged in elsewhere is not a second way in.
 */
export async function openSession(db: Db, user: Pick<StaffUser, 'id' | 'role'>, terminalSerial: string, now = new Date()): Promise<{ token: string; endedSessions: number }> {
  const token = randomBytes(32).toString('base64url');
  const ended = holdsParallelSessions(user.role) ? 0 : await endSessionsOf(db, user.id, now);
  await db.query('INSERT INTO sessions (token_hash, user_id, terminal_serial, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)', [
    tokenHash(token),
    user.id,
    terminalSerial,
    now,
  ]);
  return { token, endedSessions: ended };
}

/** The session behind a cookie, on this terminal (see `identifyCaller`, which asks for both at once). */
export async function resumeSession(db: Db, token: string, terminalSerial: string, policy: AccessLimits, now = new Date()): Promise<Session | undefined> {
  return (await identifyCaller(db, { terminalSerial, sessionToken: token }, policy, now))?.session;
}

export async function closeSession(db: Db, hash: string, now = new Date()): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [hash, now]);
}

/** Ends every open session of a user (deactivated, password reset or changed), except the one `keep` names. */
export async function endSessionsOf(db: Db, userId: string, now = new Date(), keep?: string): Promise<number> {
  const { rows } = await db.query('UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL AND token_hash IS DISTINCT FROM $3 RETURNING token_hash', [userId, now, keep ?? null]);
  return rows.length;
}
