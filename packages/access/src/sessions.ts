import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@renkei/store';
import { staffUser, type StaffUser, type UserRow } from './accounts.js';
import { minutes, type AccessPolicy } from './policy.js';

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

/** A session's last use is written at most this often: reads stay reads, at the cost of a minute's slack in the idle limit. */
const TOUCH_AFTER_MS = 60_000;

/**
 * The session behind a cookie, if it is open, was made on this terminal, has
 * not been idle too long nor lasted too long, and its user is still active.
 * Using it keeps it alive.
 */
export async function resumeSession(db: Db, token: string, terminalSerial: string, policy: AccessPolicy, now = new Date()): Promise<Session | undefined> {
  const hash = tokenHash(token);
  const { rows } = await db.query<UserRow & { last_seen_at: Date | string }>(
    `SELECT s.last_seen_at, u.*, f.name AS facility_name
       FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN facilities f ON f.code = u.facility_code
      WHERE s.token_hash = $1 AND s.terminal_serial = $2 AND s.ended_at IS NULL AND s.last_seen_at > $3 AND s.created_at > $4 AND u.active`,
    [hash, terminalSerial, new Date(now.getTime() - minutes(policy.sessionIdleMinutes)), new Date(now.getTime() - minutes(policy.sessionMaxHours * 60))],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_AFTER_MS) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2', [hash, now]);
  }
  return { tokenHash: hash, user: staffUser(row), terminalSerial };
}

export async function closeSession(db: Db, hash: string, now = new Date()): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [hash, now]);
}
