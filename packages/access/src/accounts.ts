import type { Db } from '@renkei/store';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { minutes, type AccessLimits } from './limits.js';
import type { Role } from './roles.js';

/** A staff member as the gate knows them. */
export interface StaffUser {
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string | null;
  facilityName: string | null;
  mustChangePassword: boolean;
}

export interface NewUser {
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string | null;
  password: string;
  mustChangePassword?: boolean;
}

export async function createUser(db: Db, user: NewUser): Promise<void> {
  await db.query(
    'INSERT INTO users (id, display_name, role, facility_code, password_hash, must_change_password) VALUES ($1, $2, $3, $4, $5, $6)',
    [user.id, user.displayName, user.role, user.facilityCode, await hashPassword(user.password), user.mustChangePassword ?? false],
  );
}

export type LoginResult =
  | { status: 'ok'; user: StaffUser; /** Wrong passwords for this ID since its last login, from anywhere: the user is told. */ failuresSinceLastLogin: number }
  /**
   * Refused, for whatever reason: the caller answers every refusal alike, so
   * that IDs cannot be probed and a lockout cannot be told from a typo. The
   * reason is for the audit trail.
   */
  | { status: 'refused'; reason: LoginRefusal; userExists: boolean };

export type LoginRefusal = 'unknown-user' | 'inactive' | 'wrong-password' | 'terminal-backing-off' | 'user-locked';

/**
 * Checks an ID and password typed on a terminal. Every try is reserved, in
 * one atomic statement, against the (user, terminal) count before the
 * password is checked: N concurrent tries count N, and once a terminal has
 * failed `terminalFailuresBeforeBackoff` times it waits, doubling, before it
 * may try that user again, which leaves the user free to log in elsewhere.
 * Failures from every terminal within a window lock the user everywhere, at a
 * much higher count. A success clears the terminal's count.
 */
export async function authenticate(
  db: Db,
  login: { userId: string; password: string; terminalSerial: string },
  limits: AccessLimits,
  now = new Date(),
): Promise<LoginResult> {
  const { rows } = await db.query<UserRow & { password_hash: string; active: boolean; locked_until: Date | string | null }>(
    `SELECT u.*, f.name AS facility_name FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1`,
    [login.userId],
  );
  const row = rows[0];
  // Whatever is refused before the password is checked still costs a check: timing tells nothing either.
  const refuse = async (reason: LoginRefusal): Promise<LoginResult> => {
    await verifyPassword(await decoyPasswordHash(), login.password);
    return { status: 'refused', reason, userExists: row !== undefined };
  };
  if (!row) return refuse('unknown-user');
  if (!row.active) return refuse('inactive');
  if (row.locked_until && new Date(row.locked_until) > now) return refuse('user-locked');
  if (!(await reserveTry(db, row.id, login.terminalSerial, limits, now))) return refuse('terminal-backing-off');
  if (!(await verifyPassword(row.password_hash, login.password))) {
    await countUserFailure(db, row.id, limits, now);
    return { status: 'refused', reason: 'wrong-password', userExists: true };
  }
  await db.query('DELETE FROM login_failures WHERE user_id = $1 AND terminal_serial = $2', [row.id, login.terminalSerial]);
  const told = await db.query<{ failures: number }>(
    `WITH before AS (SELECT failures_since_login FROM users WHERE id = $1 FOR UPDATE)
     UPDATE users SET failures_since_login = 0, last_login_at = $2 FROM before WHERE users.id = $1 RETURNING before.failures_since_login AS failures`,
    [row.id, now],
  );
  return { status: 'ok', user: staffUser(row), failuresSinceLastLogin: told.rows[0]?.failures ?? 0 };
}

/**
 * Takes one try for (user, terminal), unless the terminal is backing off.
 * The try that reaches the threshold sets the wait, so tries racing it find
 * the terminal backing off; a success deletes the row.
 */
async function reserveTry(db: Db, userId: string, terminalSerial: string, limits: AccessLimits, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO login_failures AS f (user_id, terminal_serial, failures, blocked_until, last_failure_at)
     VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $3::timestamptz + make_interval(mins => $5) END, $3)
     ON CONFLICT (user_id, terminal_serial) DO UPDATE SET
       failures = f.failures + 1,
       last_failure_at = $3,
       blocked_until = CASE WHEN f.failures + 1 >= $4
         THEN $3::timestamptz + make_interval(mins => LEAST($6::float8, $5::float8 * power(2, f.failures + 1 - $4))::int) END
     WHERE f.blocked_until IS NULL OR f.blocked_until <= $3
     RETURNING f.failures`,
    [userId, terminalSerial, now, limits.terminalFailuresBeforeBackoff, limits.backoffMinutes, limits.maxBackoffMinutes],
  );
  return rows.length > 0;
}

/** A wrong password, counted for the user across terminals in one statement; enough of them within the window lock the user everywhere. */
async function countUserFailure(db: Db, userId: string, limits: AccessLimits, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - minutes(limits.userFailureWindowMinutes));
  await db.query(
    `UPDATE users SET
       failed_logins = CASE WHEN failure_window_started_at > $3 THEN failed_logins + 1 ELSE 1 END,
       failure_window_started_at = CASE WHEN failure_window_started_at > $3 THEN failure_window_started_at ELSE $2 END,
       failures_since_login = failures_since_login + 1,
       locked_until = CASE WHEN (CASE WHEN failure_window_started_at > $3 THEN failed_logins + 1 ELSE 1 END) >= $4 THEN $5 ELSE locked_until END
     WHERE id = $1`,
    [userId, now, windowStart, limits.userFailuresBeforeLock, new Date(now.getTime() + minutes(limits.userLockMinutes))],
  );
}

export interface UserRow {
  id: string;
  display_name: string;
  role: Role;
  facility_code: string | null;
  facility_name: string | null;
  must_change_password: boolean;
}

export function staffUser(row: UserRow): StaffUser {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    facilityCode: row.facility_code,
    facilityName: row.facility_name,
    mustChangePassword: row.must_change_password,
  };
}
