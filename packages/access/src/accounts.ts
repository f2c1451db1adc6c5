import type { Db } from '@renkei/store';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { minutes, type AccessPolicy } from './policy.js';
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
  | { status: 'ok'; user: StaffUser }
  /** Wrong ID or password, or a deactivated account: one answer, so that IDs cannot be probed. */
  | { status: 'refused'; userExists: boolean }
  | { status: 'locked'; until: Date };

/**
 * Checks an ID and password. Failures count up to the policy's limit, then the
 * account is locked for a while; a success resets the count.
 */
export async function authenticate(db: Db, userId: string, password: string, policy: AccessPolicy, now = new Date()): Promise<LoginResult> {
  const { rows } = await db.query<UserRow & { password_hash: string; active: boolean; failed_logins: number; locked_until: Date | null }>(
    `SELECT u.*, f.name AS facility_name FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row || !row.active) {
    await verifyPassword(await decoyPasswordHash(), password);
    return { status: 'refused', userExists: row !== undefined };
  }
  if (row.locked_until && new Date(row.locked_until) > now) return { status: 'locked', until: new Date(row.locked_until) };
  if (!(await verifyPassword(row.password_hash, password))) {
    const failures = row.failed_logins + 1;
    if (failures >= policy.maxFailedLogins) {
      const until = new Date(now.getTime() + minutes(policy.lockoutMinutes));
      await db.query('UPDATE users SET failed_logins = 0, locked_until = $2 WHERE id = $1', [userId, until]);
      return { status: 'locked', until };
    }
    await db.query('UPDATE users SET failed_logins = $2 WHERE id = $1', [userId, failures]);
    return { status: 'refused', userExists: true };
  }
  await db.query('UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1', [userId, now]);
  return { status: 'ok', user: staffUser(row) };
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
