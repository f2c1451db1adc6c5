import { describe, expect, it } from 'vitest';
import { adminScope, facilityRequired, scopeCoversFacility, scopeCoversUser, scopeMayGrantRole } from './admin-permissions.js';
import { isUnused, newPasswordProblem, unusedAccountDays } from './users.js';

const HOSPITAL = '3710100001';
const CLINIC = '3710100002';

describe('who administers what', () => {
  it('gives the operator the whole network, a facility administrator their own facility, everyone else nothing', () => {
    expect(adminScope({ role: 'operator', facilityCode: null })).toEqual({ network: true });
    expect(adminScope({ role: 'operator', facilityCode: HOSPITAL })).toEqual({ network: true });
    expect(adminScope({ role: 'facility-admin', facilityCode: HOSPITAL })).toEqual({ network: false, facilityCode: HOSPITAL });
    for (const role of ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'liaison'] as const) expect(adminScope({ role, facilityCode: HOSPITAL })).toBeUndefined();
    // A facility administrator without a facility administers nothing, rather than everything.
    expect(adminScope({ role: 'facility-admin', facilityCode: null })).toBeUndefined();
  });

  it('keeps a facility administrator to their own facility, and away from operators', () => {
    const own = adminScope({ role: 'facility-admin', facilityCode: HOSPITAL })!;
    expect(scopeCoversFacility(own, HOSPITAL)).toBe(true);
    expect(scopeCoversFacility(own, CLINIC)).toBe(false);
    expect(scopeCoversFacility(own, null)).toBe(false);
    expect(scopeMayGrantRole(own, 'doctor')).toBe(true);
    expect(scopeMayGrantRole(own, 'facility-admin')).toBe(true);
    expect(scopeMayGrantRole(own, 'operator')).toBe(false);
    expect(scopeCoversUser(own, { role: 'clerk', facilityCode: HOSPITAL })).toBe(true);
    expect(scopeCoversUser(own, { role: 'clerk', facilityCode: CLINIC })).toBe(false);
    // An operator who happens to work at the hospital is still not the hospital's to manage.
    expect(scopeCoversUser(own, { role: 'operator', facilityCode: HOSPITAL })).toBe(false);
  });

  it('lets the operator reach every facility and every role', () => {
    const network = adminScope({ role: 'operator', facilityCode: null })!;
    expect(scopeCoversFacility(network, CLINIC)).toBe(true);
    expect(scopeCoversUser(network, { role: 'operator', facilityCode: null })).toBe(true);
    expect(scopeMayGrantRole(network, 'operator')).toBe(true);
  });

  it('has everyone but the operator work at a facility', () => {
    expect(facilityRequired('operator')).toBe(false);
    expect(facilityRequired('doctor')).toBe(true);
    expect(facilityRequired('facility-admin')).toBe(true);
  });
});

describe('passwords a user may choose', () => {
  it('refuses short ones, ones holding the ID, the same one again, and repetition', () => {
    expect(newPasswordProblem('short', { userId: 'u1' })).toContain('12文字以上');
    expect(newPasswordProblem('my-dr-tanaka-2026', { userId: 'DR-TANAKA' })).toContain('利用者ID');
    expect(newPasswordProblem('Setouchi-Umi-42', { userId: 'u1', currentPassword: 'Setouchi-Umi-42' })).toContain('別のパスワード');
    expect(newPasswordProblem('aaaaaaaaaaaaabab', { userId: 'u1' })).toContain('繰り返し');
    expect(newPasswordProblem('Setouchi-Umi-42', { userId: 'u1', currentPassword: 'old one here!' })).toBeUndefined();
  });
});

describe('IDs flagged for review', () => {
  const now = new Date('2026-06-30T00:00:00Z');
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

  it('flags an ID whose last login is older than the period, or that was never used since it was issued that long ago', () => {
    expect(isUnused({ lastLoginAt: daysAgo(91), createdAt: daysAgo(400) }, 90, now)).toBe(true);
    expect(isUnused({ lastLoginAt: daysAgo(89), createdAt: daysAgo(400) }, 90, now)).toBe(false);
    expect(isUnused({ lastLoginAt: null, createdAt: daysAgo(91) }, 90, now)).toBe(true);
    expect(isUnused({ lastLoginAt: null, createdAt: daysAgo(3) }, 90, now)).toBe(false);
    expect(isUnused({ lastLoginAt: daysAgo(31), createdAt: daysAgo(400) }, 30, now)).toBe(true);
  });

  it('takes the period from RENKEI_UNUSED_ACCOUNT_DAYS, 90 days without it, and refuses nonsense at start', () => {
    expect(unusedAccountDays({})).toBe(90);
    expect(unusedAccountDays({ RENKEI_UNUSED_ACCOUNT_DAYS: '30' })).toBe(30);
    expect(() => unusedAccountDays({ RENKEI_UNUSED_ACCOUNT_DAYS: 'soon' })).toThrow('RENKEI_UNUSED_ACCOUNT_DAYS=soon');
    expect(() => unusedAccountDays({ RENKEI_UNUSED_ACCOUNT_DAYS: '0' })).toThrow();
  });
});
