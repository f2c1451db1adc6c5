/**
 * Staff IDs: one per person, never shared. An administrator issues an ID with
 * a one-time password (shown once, delivered out of band; only its argon2id
 * hash is kept), deactivates and reactivates it, or resets its password; the
 * user then must choose their own at the next login. IDs unused for a while
 * are flagged for review.
 */
import type { UserItem } from '@renkei/api';
import type { Db } from '@renkei/store';
import {
  authenticate,
  endSessionsOf,
  facilityRequired,
  hashPassword,
  isLicensedRole,
  passwordProblem,
  scopeCoversFacility,
  scopeCoversUser,
  scopeFacility,
  scopeMayGrantRole,
  scopeMayResetPassword,
  type AccessLimits,
  type AdminScope,
  type Role,
} from '@renkei/access';
import { AdminRefusal, credentialRefusal } from './admin-refusal.js';
import { readablePassword } from './one-time-password.js';

/** IDs unused this many days are flagged for review, unless RENKEI_UNUSED_ACCOUNT_DAYS says otherwise. */
export const DEFAULT_UNUSED_ACCOUNT_DAYS = 90;

export function unusedAccountDays(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.RENKEI_UNUSED_ACCOUNT_DAYS;
  if (value === undefined || value.trim() === '') return DEFAULT_UNUSED_ACCOUNT_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) throw new Error(`RENKEI_UNUSED_ACCOUNT_DAYS=${value}: give a whole number of days (1 or more)`);
  return days;
}

/** An ID not used to log in (or, never used, not issued) within `days` wants review: is the person still there? */
export function isUnused(user: { lastLoginAt: Date | null; createdAt: Date }, days: number, now = new Date()): boolean {
  const lastUse = user.lastLoginAt ?? user.createdAt;
  return now.getTime() - lastUse.getTime() > days * 24 * 60 * 60 * 1000;
}

/**
 * A password a user may choose: the network's length rule, not their ID, and
 * not the one it replaces. Returns the reason it is refused, if it is.
 */
export function newPasswordProblem(password: string, context: { userId: string; currentPassword?: string }): string | undefined {
  const tooShort = passwordProblem(password);
  if (tooShort) return tooShort;
  if (password.toLowerCase().includes(context.userId.toLowerCase())) return 'パスワードに利用者IDを含めないでください';
  if (context.currentPassword !== undefined && password === context.currentPassword) return '現在のパスワードとは別のパスワードにしてください';
  if (new Set(password).size < 5) return '同じ文字の繰り返しが多すぎます。別のパスワードにしてください';
  return undefined;
}

/** A user as the console lists them (`UserItem`), with dates still dates. */
export type UserListing = Omit<UserItem, 'lastLoginAt' | 'createdAt'> & { lastLoginAt: Date | null; createdAt: Date };

interface UserRow {
  id: string;
  display_name: string;
  role: Role;
  facility_code: string | null;
  facility_name: string | null;
  email: string | null;
  active: boolean;
  must_change_password: boolean;
  last_login_at: Date | string | null;
  created_at: Date | string;
}

/** The users in scope, by facility and ID. A facility administrator sees no operator's ID. */
export async function listUsers(identity: Db, scope: AdminScope, options: { unusedDays: number; now?: Date }): Promise<UserListing[]> {
  const { rows } = await identity.query<UserRow>(
    `SELECT u.id, u.display_name, u.role, u.facility_code, f.name AS facility_name, u.email, u.active, u.must_change_password, u.last_login_at, u.created_at
       FROM users u LEFT JOIN facilities f ON f.code = u.facility_code
      WHERE ($1::text IS NULL OR (u.facility_code = $1 AND u.role <> 'operator'))
      ORDER BY u.facility_code NULLS FIRST, u.id`,
    [scopeFacility(scope)],
  );
  return rows.map((r) => {
    const listing = {
      id: r.id,
      displayName: r.display_name,
      role: r.role,
      facilityCode: r.facility_code?.trim() ?? null,
      facilityName: r.facility_name,
      email: r.email,
      active: r.active,
      mustChangePassword: r.must_change_password,
      lastLoginAt: r.last_login_at ? new Date(r.last_login_at) : null,
      createdAt: new Date(r.created_at),
    };
    return { ...listing, unused: listing.active && isUnused(listing, options.unusedDays, options.now) };
  });
}

export interface NewStaffId {
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string | null;
  email?: string | null;
}

/** Issues an ID with a one-time password, returned once; the user must change it at first login. */
export async function issueUser(identity: Db, scope: AdminScope, user: NewStaffId & { licenceNumber?: string | null; applicationId?: number }, issuedBy: string): Promise<{ id: string; password: string }> {
  if (!scopeMayGrantRole(scope, user.role)) {
    throw isLicensedRole(user.role)
      ? credentialRefusal('licensed-role', `a facility administrator applies for a ${user.role} ID instead`)
      : credentialRefusal('role-not-allowed', `a facility administrator cannot issue the role ${user.role}`);
  }
  if (user.facilityCode === null && facilityRequired(user.role)) throw credentialRefusal('facility-required', `the role ${user.role} works at a facility: give its code`);
  // Another facility's code is refused like an unknown one.
  if (!scopeCoversFacility(scope, user.facilityCode)) throw credentialRefusal('unknown-facility', `unknown facility ${user.facilityCode}`);
  const password = readablePassword();
  const passwordHash = await hashPassword(password);
  await identity.transaction(async (tx) => {
    if (user.facilityCode !== null) {
      const facility = await tx.query('SELECT 1 FROM facilities WHERE code = $1', [user.facilityCode]);
      if (facility.rows.length === 0) throw credentialRefusal('unknown-facility', `unknown facility ${user.facilityCode}`);
    }
    const inserted = await tx.query(
      `INSERT INTO users (id, display_name, role, facility_code, email, password_hash, must_change_password, issued_by, licence_number, application_id)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [user.id, user.displayName, user.role, user.facilityCode, user.email ?? null, passwordHash, issuedBy, user.licenceNumber ?? null, user.applicationId ?? null],
    );
    if (inserted.rows.length === 0) throw credentialRefusal('id-taken', `the ID ${user.id} is taken`);
  });
  return { id: user.id, password };
}

/** A user in scope, locked for the rest of the transaction; outside the scope they do not exist. */
async function userInScope(tx: Db, scope: AdminScope, userId: string): Promise<{ id: string; role: Role; facilityCode: string | null }> {
  const { rows } = await tx.query<{ id: string; role: Role; facility_code: string | null }>('SELECT id, role, facility_code FROM users WHERE id = $1 FOR UPDATE', [userId]);
  const row = rows[0];
  const user = row && { id: row.id, role: row.role, facilityCode: row.facility_code?.trim() ?? null };
  if (!user || !scopeCoversUser(scope, user)) throw credentialRefusal('not-found', `no user ${userId}`);
  return user;
}

/**
 * Deactivates an ID (its sessions end at once: the gate asks whether the user
 * is active on every request) or reactivates it. No one deactivates their own.
 */
export async function setUserActive(identity: Db, scope: AdminScope, userId: string, active: boolean, actorId: string, now = new Date()): Promise<{ id: string; facilityCode: string | null }> {
  return identity.transaction(async (tx) => {
    const user = await userInScope(tx, scope, userId);
    if (user.id === actorId) throw credentialRefusal('own-account', 'you cannot deactivate or reactivate your own ID');
    if (active) await tx.query('UPDATE users SET active = true, deactivated_at = NULL, failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
    else {
      await tx.query('UPDATE users SET active = false, deactivated_at = $2 WHERE id = $1', [user.id, now]);
      await endSessionsOf(tx, user.id, now);
    }
    return { id: user.id, facilityCode: user.facilityCode };
  });
}

/**
 * A new one-time password for a user who forgot theirs: their sessions end, a
 * lockout lifts, and they choose a new one at login. Only the operator resets
 * a clinician's ID (a facility administrator who could would log in as them).
 */
export async function resetUserPassword(identity: Db, scope: AdminScope, userId: string, actorId: string, now = new Date()): Promise<{ id: string; facilityCode: string | null; password: string }> {
  const password = readablePassword();
  const passwordHash = await hashPassword(password);
  return identity.transaction(async (tx) => {
    const user = await userInScope(tx, scope, userId);
    if (user.id === actorId) throw credentialRefusal('own-account', 'change your own password in your personal settings');
    if (!scopeMayResetPassword(scope, user)) throw credentialRefusal('licensed-reset', `only the operator resets the password of a ${user.role} ID`);
    await tx.query('UPDATE users SET password_hash = $2, must_change_password = true, failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id, passwordHash]);
    await tx.query('DELETE FROM login_failures WHERE user_id = $1', [user.id]);
    await endSessionsOf(tx, user.id, now);
    return { id: user.id, facilityCode: user.facilityCode, password };
  });
}

/**
 * A user changes their own password, proving the current one. Their other
 * sessions end; the one they are using stays.
 */
export async function changeOwnPassword(
  identity: Db,
  user: { id: string; sessionTokenHash: string; terminalSerial: string },
  passwords: { currentPassword: string; newPassword: string },
  limits: AccessLimits,
  commit: <T>(work: (tx: Db) => Promise<T>) => Promise<T> = (work) => identity.transaction(work),
  now = new Date(),
): Promise<void> {
  // The current password is checked as a login is, and counts as one: a left-open session cannot be used to find it, nor raced.
  const proof = await authenticate(identity, { userId: user.id, password: passwords.currentPassword, terminalSerial: user.terminalSerial }, limits, now);
  if (proof.status !== 'ok') throw credentialRefusal('wrong-password', `the current password was refused (${proof.reason})`);
  const problem = newPasswordProblem(passwords.newPassword, { userId: user.id, currentPassword: passwords.currentPassword });
  if (problem) throw new AdminRefusal('invalid', 'weak-password', problem);
  const passwordHash = await hashPassword(passwords.newPassword);
  await commit(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = $3 WHERE id = $1', [user.id, passwordHash, now]);
    await endSessionsOf(tx, user.id, now, user.sessionTokenHash);
  });
}

/** A user sets (or clears, with null) the e-mail address notices go to. The address is checked by the request schema. */
export async function changeOwnEmail(identity: Db, userId: string, email: string | null): Promise<void> {
  await identity.query('UPDATE users SET email = $2 WHERE id = $1', [userId, email]);
}

/** The user's own settings, for the personal settings page. */
export async function readOwnSettings(identity: Db, userId: string): Promise<{ email: string | null }> {
  const { rows } = await identity.query<{ email: string | null }>('SELECT email FROM users WHERE id = $1', [userId]);
  return { email: rows[0]?.email ?? null };
}
