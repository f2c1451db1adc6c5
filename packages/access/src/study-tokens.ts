import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { normalizeSerial } from './network-ca.js';

/**
 * A viewer's pass to one study, riding in the URL as `access_token` (RFC 6750
 * §2.3) where a viewer cannot send the session cookie: a DICOMweb client
 * started from the web app, a link opened in a second window. It is the
 * session, narrowed: good for five minutes, for the study it names only, on
 * the terminal it was issued on, while the session lasts (logging out ends
 * it). It names the session by the hash the sessions table keeps, so it is
 * no cookie; its MAC, under a key derived from the server's for this purpose
 * alone, binds the rest, so that no part of it can be changed. The gate takes
 * it on the routes that declare `studyToken`, and nothing writes it down: the
 * server logs no URLs, and the audit trail keeps route patterns.
 */
export const STUDY_TOKEN_MINUTES = 5;

export interface StudyTokenScope {
  /** The session's hash (`sessions.token_hash`). */
  sessionHash: string;
  terminalSerial: string;
  studyUid: string;
}

export function studyTokenKey(serverEncryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', serverEncryptionKey, 'renkei', 'study token v1', 32));
}

// The serial as the terminals table keeps it: a certificate gives it in upper case, with leading zeros.
const mac = (key: Buffer, scope: StudyTokenScope, expiresAt: number) =>
  createHmac('sha256', key).update(`${scope.sessionHash}\u0000${normalizeSerial(scope.terminalSerial)}\u0000${scope.studyUid}\u0000${expiresAt}`).digest().subarray(0, 16);

/** `<session hash>.<expiry, ms in base 36>.<MAC>` */
export function issueStudyToken(key: Buffer, scope: StudyTokenScope, now = new Date()): { token: string; expiresAt: Date } {
  const expiresAt = now.getTime() + STUDY_TOKEN_MINUTES * 60_000;
  return { token: `${scope.sessionHash}.${expiresAt.toString(36)}.${mac(key, scope, expiresAt).toString('base64url')}`, expiresAt: new Date(expiresAt) };
}

/** The session hash of a token good for this study on this terminal now; undefined for any other (malformed, altered, expired, elsewhere). */
export function readStudyToken(key: Buffer, token: string, where: Omit<StudyTokenScope, 'sessionHash'>, now = new Date()): string | undefined {
  const parts = /^([0-9a-f]{64})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!parts) return undefined;
  const [, sessionHash, expiry, given] = parts as unknown as [string, string, string, string];
  const expiresAt = parseInt(expiry, 36);
  if (!(expiresAt > now.getTime())) return undefined;
  // Compared as text: 22 characters carry 132 bits for the MAC's 128, and a decoder would take an altered last character for the same bytes.
  const expected = Buffer.from(mac(key, { sessionHash, ...where }, expiresAt).toString('base64url'));
  return timingSafeEqual(Buffer.from(given), expected) ? sessionHash : undefined;
}
