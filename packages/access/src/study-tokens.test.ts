import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueStudyToken, readStudyToken, STUDY_TOKEN_MINUTES, studyTokenKey } from './study-tokens.js';

describe('study tokens', () => {
  const key = studyTokenKey(randomBytes(32));
  const scope = { sessionHash: 'a'.repeat(64), terminalSerial: '1A2B', studyUid: '1.2.392.200036.9116.2.6.1.48.1' };
  const issuedAt = new Date('2026-12-03T09:00:00Z');
  const { token, expiresAt } = issueStudyToken(key, scope, issuedAt);
  const where = { terminalSerial: scope.terminalSerial, studyUid: scope.studyUid };

  it('names its session for the study and terminal it was issued for, until it expires five minutes on', () => {
    expect(expiresAt.getTime() - issuedAt.getTime()).toBe(STUDY_TOKEN_MINUTES * 60_000);
    expect(readStudyToken(key, token, where, new Date(expiresAt.getTime() - 1))).toBe(scope.sessionHash);
    expect(readStudyToken(key, token, where, expiresAt)).toBeUndefined();
  });

  it('takes the terminal\'s serial as a certificate gives it (upper case, leading zeros) for the one the sessions table keeps', () => {
    expect(readStudyToken(key, token, { ...where, terminalSerial: '001A2B' }, issuedAt)).toBe(scope.sessionHash);
    expect(readStudyToken(key, issueStudyToken(key, { ...scope, terminalSerial: '1a2b' }, issuedAt).token, where, issuedAt)).toBe(scope.sessionHash);
  });

  it('is good for nothing else: another study or terminal, another key, or any character changed', () => {
    expect(readStudyToken(key, token, { ...where, studyUid: `${scope.studyUid}.2` }, issuedAt)).toBeUndefined();
    expect(readStudyToken(key, token, { ...where, terminalSerial: '1A2C' }, issuedAt)).toBeUndefined();
    expect(readStudyToken(studyTokenKey(randomBytes(32)), token, where, issuedAt)).toBeUndefined();
    const [hash, expiry, mac] = token.split('.') as [string, string, string];
    // A later expiry, another session, another MAC, and not a token at all.
    for (const altered of [`${hash}.${(parseInt(expiry, 36) + 60_000).toString(36)}.${mac}`, `${'b'.repeat(64)}.${expiry}.${mac}`, `${hash}.${expiry}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, '', 'x.y.z']) {
      expect(readStudyToken(key, altered, where, issuedAt), altered).toBeUndefined();
    }
  });
});
