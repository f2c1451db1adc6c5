import { describe, expect, it } from 'vitest';
import { isUnused, newPasswordProblem, unusedAccountDays } from './users.js';

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
