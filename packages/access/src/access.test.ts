import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveServerKeys, timeOrderedId, type Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { authenticate, createUser } from './accounts.js';
import { identifyCaller } from './caller.js';
import { checkCard, issueCard, luhnCheckDigit, setCardStatus } from './cards.js';
import { upsertFacility } from './facilities.js';
import { certificateSerial, createNetworkCa, issueTerminalCertificate, toPkcs12, type NetworkCa } from './network-ca.js';
import { bindMyNumberCard, consumeChallenge, createChallenge, findBoundPerson, unbindMyNumberCards } from './my-number-bindings.js';
import { findPatientAccess, openPatientAccess } from './patient-access.js';
import { loadOrCreateServerTls } from './pki-files.js';
import { DEFAULT_ACCESS_LIMITS, type AccessLimits } from './limits.js';
import { closeSession, openSession, resumeSession } from './sessions.js';
import { findActiveTerminal, registerTerminal, revokeTerminal } from './terminals.js';

const keys = deriveServerKeys(Buffer.alloc(32, 7));
const FACILITY = '3710000001';
const minutesLater = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);
/** Smaller counts than the network's, so that the tests stay short. */
const limits: AccessLimits = { ...DEFAULT_ACCESS_LIMITS, terminalFailuresBeforeBackoff: 3, userFailuresBeforeLock: 7 };
const policy = limits;
const login = (userId: string, password: string, terminalSerial = 'aa01') => ({ userId, password, terminalSerial });
const doctor = { id: 'dr.tanaka', role: 'doctor' } as const;
const otherDoctor = { id: 'dr.sato', role: 'doctor' } as const;

describe('the network CA', () => {
  let ca: NetworkCa;
  beforeAll(async () => {
    ca = await createNetworkCa({ name: 'Test Network CA' });
  });

  it('issues terminal certificates that chain to it, for client authentication, packed as a PKCS#12 that TLS opens with its password', async () => {
    const terminal = await issueTerminalCertificate(ca, { facilityCode: FACILITY, name: '外来1' });
    const cert = new X509Certificate(terminal.certPem);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subject).toContain(`OU=${FACILITY}`);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    expect(certificateSerial(terminal.certPem)).toBe(terminal.serial);
    expect(cert.serialNumber.toLowerCase().replace(/^0+/, '')).toBe(terminal.serial);

    const p12 = toPkcs12(terminal, ca, 'correct horse', '外来1');
    expect(() => createSecureContext({ pfx: p12, passphrase: 'correct horse' })).not.toThrow();
    expect(() => createSecureContext({ pfx: p12, passphrase: 'wrong' })).toThrow();
  });
});

describe('the server TLS files', () => {
  it('refuse a certificate given without its key (or a key without its certificate), before anything is written', async () => {
    const { mkdtemp, readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/renkei-tls-`);
    const ca = await createNetworkCa({ name: 'Test' });
    await expect(loadOrCreateServerTls(dir, ca, { RENKEI_TLS_CERT: '/x.pem' })).rejects.toThrow('RENKEI_TLS_CERT and RENKEI_TLS_KEY go together');
    await expect(loadOrCreateServerTls(dir, ca, { RENKEI_TLS_KEY: '/x.key' })).rejects.toThrow('go together');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe.each(testEngines())('access on %s', (engine) => {
  let db: Db;
  let personId: string;
  beforeAll(async () => {
    db = await openTestStore(engine, 'identity');
    await upsertFacility(db, { code: FACILITY, name: '高松テスト病院', kind: 'hospital' });
    await createUser(db, { id: 'dr.tanaka', displayName: '田中 一郎', role: 'doctor', facilityCode: FACILITY, password: 'correct horse battery' });
    await createUser(db, { id: 'dr.sato', displayName: '佐藤 二郎', role: 'doctor', facilityCode: FACILITY, password: 'correct horse battery' });
    // The PCs the sessions below are made on.
    for (const serial of ['aa01', 'bb02']) await registerTerminal(db, { serial, facilityCode: FACILITY, name: serial, notAfter: new Date('2030-01-01') });
    personId = timeOrderedId();
    await db.query("INSERT INTO persons (id, sex, birth_date_enc, birth_date_hash) VALUES ($1, 1, '\\x00', 'x')", [personId]);
  });
  afterAll(() => db?.close());

  it('accepts the right password, and refuses a wrong one, an unknown ID and a deactivated one alike', async () => {
    const now = new Date('2026-11-22T09:00:00Z');
    const ok = await authenticate(db, login('dr.tanaka', 'correct horse battery'), limits, now);
    expect(ok).toMatchObject({ status: 'ok', user: { id: 'dr.tanaka', role: 'doctor', facilityName: '高松テスト病院' }, failuresSinceLastLogin: 0 });
    expect(await authenticate(db, login('nobody', 'whatever'), limits, now)).toEqual({ status: 'refused', reason: 'unknown-user', userExists: false });
    await createUser(db, { id: 'gone', displayName: '退職 者', role: 'nurse', facilityCode: FACILITY, password: 'correct horse battery' });
    await db.query('UPDATE users SET active = false WHERE id = $1', ['gone']);
    expect(await authenticate(db, login('gone', 'correct horse battery'), limits, now)).toEqual({ status: 'refused', reason: 'inactive', userExists: true });
  });

  it('counts concurrent wrong passwords one by one: a terminal that failed backs off, the user still logs in elsewhere, and is told of the failures', async () => {
    await createUser(db, { id: 'dr.race', displayName: '競合 試験', role: 'doctor', facilityCode: FACILITY, password: 'correct horse battery' });
    const now = new Date('2026-11-22T09:30:00Z');
    const tries = await Promise.all(Array.from({ length: 30 }, () => authenticate(db, login('dr.race', 'wrong', 'aa01'), limits, now)));
    // Every try was refused; only the first `terminalFailuresBeforeBackoff` reached the password at all, the rest found the terminal backing off.
    expect(tries.every((t) => t.status === 'refused')).toBe(true);
    expect(tries.filter((t) => t.status === 'refused' && t.reason === 'wrong-password')).toHaveLength(limits.terminalFailuresBeforeBackoff);
    expect(tries.filter((t) => t.status === 'refused' && t.reason === 'terminal-backing-off')).toHaveLength(30 - limits.terminalFailuresBeforeBackoff);
    // The right password from that terminal waits out the back-off; from another terminal it works, and the user hears of the failures.
    expect(await authenticate(db, login('dr.race', 'correct horse battery', 'aa01'), limits, now)).toMatchObject({ status: 'refused', reason: 'terminal-backing-off' });
    expect(await authenticate(db, login('dr.race', 'correct horse battery', 'bb02'), limits, now)).toMatchObject({ status: 'ok', failuresSinceLastLogin: limits.terminalFailuresBeforeBackoff });
    expect(await authenticate(db, login('dr.race', 'correct horse battery', 'bb02'), limits, now)).toMatchObject({ status: 'ok', failuresSinceLastLogin: 0 });
    // The wait doubles with each further failure after it ends.
    const later = minutesLater(now, limits.backoffMinutes + 0.1);
    expect(await authenticate(db, login('dr.race', 'wrong', 'aa01'), limits, later)).toMatchObject({ reason: 'wrong-password' });
    expect(await authenticate(db, login('dr.race', 'correct horse battery', 'aa01'), limits, minutesLater(later, 2 * limits.backoffMinutes - 0.1))).toMatchObject({ reason: 'terminal-backing-off' });
    expect(await authenticate(db, login('dr.race', 'correct horse battery', 'aa01'), limits, minutesLater(later, 2 * limits.backoffMinutes + 0.1))).toMatchObject({ status: 'ok' });
  });

  it('locks the user everywhere only after many failures from several terminals within the window', async () => {
    await createUser(db, { id: 'dr.target', displayName: '標的 試験', role: 'doctor', facilityCode: FACILITY, password: 'correct horse battery' });
    const now = new Date('2026-11-22T09:45:00Z');
    const serials = Array.from({ length: Math.ceil(limits.userFailuresBeforeLock / limits.terminalFailuresBeforeBackoff) }, (_, i) => `dd${i}`);
    for (const serial of serials) {
      await Promise.all(Array.from({ length: limits.terminalFailuresBeforeBackoff }, () => authenticate(db, login('dr.target', 'wrong', serial), limits, now)));
    }
    expect(await authenticate(db, login('dr.target', 'correct horse battery', 'ee99'), limits, now)).toMatchObject({ status: 'refused', reason: 'user-locked' });
    expect(await authenticate(db, login('dr.target', 'correct horse battery', 'ee99'), limits, minutesLater(now, limits.userLockMinutes + 1))).toMatchObject({ status: 'ok' });
  });

  it('keeps a session on its own terminal, ends it when idle, too old, logged out, or when the terminal is revoked', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const token = (await openSession(db, doctor, 'aa01', now)).token;
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1))).toMatchObject({ user: { id: 'dr.tanaka' } });
    expect(await resumeSession(db, token, 'bb02', policy, minutesLater(now, 2))).toBeUndefined();
    expect(await resumeSession(db, 'made-up', 'aa01', policy, minutesLater(now, 2))).toBeUndefined();
    // Each use keeps it alive; a gap longer than the idle limit ends it.
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1 + policy.sessionIdleMinutes - 1))).toBeDefined();
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1 + 2 * policy.sessionIdleMinutes))).toBeUndefined();

    const busy = (await openSession(db, doctor, 'aa01', now)).token;
    let t = now;
    while (t.getTime() - now.getTime() < policy.sessionMaxHours * 3_600_000 - 20 * 60_000) {
      t = minutesLater(t, 10);
      expect(await resumeSession(db, busy, 'aa01', policy, t)).toBeDefined();
    }
    expect(await resumeSession(db, busy, 'aa01', policy, minutesLater(t, 30))).toBeUndefined();

    const other = (await openSession(db, doctor, 'aa01', now)).token;
    const session = (await resumeSession(db, other, 'aa01', policy, now))!;
    await closeSession(db, session.tokenHash, now);
    expect(await resumeSession(db, other, 'aa01', policy, now)).toBeUndefined();

    const onB = (await openSession(db, doctor, 'bb02', now)).token;
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: onB }, policy, now)).toMatchObject({ terminal: { serial: 'bb02' }, session: { user: { id: 'dr.tanaka' } } });
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: 'made-up' }, policy, now)).toMatchObject({ terminal: { serial: 'bb02' }, session: undefined });
    await revokeTerminal(db, 'bb02', now);
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: onB }, policy, now)).toBeUndefined();
    expect(await resumeSession(db, onB, 'bb02', policy, now)).toBeUndefined();
  });

  it('holds one session per user: a new login ends the older ones, unless the role works from several PCs (the secretariat)', async () => {
    const now = new Date('2026-11-22T10:30:00Z');
    await registerTerminal(db, { serial: 'bb12', facilityCode: FACILITY, name: '外来2', notAfter: new Date('2030-01-01') });
    const first = await openSession(db, doctor, 'aa01', now);
    const second = await openSession(db, doctor, 'bb12', now);
    expect(second.endedSessions).toBeGreaterThanOrEqual(1);
    expect(await resumeSession(db, first.token, 'aa01', policy, now)).toBeUndefined();
    expect(await resumeSession(db, second.token, 'bb12', policy, now)).toMatchObject({ user: { id: 'dr.tanaka' } });

    await createUser(db, { id: 'op.kagawa', displayName: '事務局 運用', role: 'operator', facilityCode: null, password: 'correct horse battery' });
    await registerTerminal(db, { serial: 'cc03', facilityCode: null, name: '事務局1', notAfter: new Date('2030-01-01') });
    await registerTerminal(db, { serial: 'cc04', facilityCode: null, name: '事務局2', notAfter: new Date('2030-01-01') });
    const operator = { id: 'op.kagawa', role: 'operator' } as const;
    const [a, b] = [await openSession(db, operator, 'cc03', now), await openSession(db, operator, 'cc04', now)];
    expect(b.endedSessions).toBe(0);
    expect(await resumeSession(db, a.token, 'cc03', policy, now)).toBeDefined();
    expect(await resumeSession(db, b.token, 'cc04', policy, now)).toBeDefined();
  });

  it('lets a user work only on a terminal of their own facility (the operator: the secretariat\'s), while that facility is active', async () => {
    const now = new Date('2026-11-22T10:40:00Z');
    const OTHER = '3710000002';
    await upsertFacility(db, { code: OTHER, name: '丸亀テスト薬局', kind: 'pharmacy' });
    await registerTerminal(db, { serial: 'ff05', facilityCode: OTHER, name: '薬局1', notAfter: new Date('2030-01-01') });
    await createUser(db, { id: 'ph.yamada', displayName: '山田 薬子', role: 'pharmacist', facilityCode: OTHER, password: 'correct horse battery' });
    const pharmacist = { id: 'ph.yamada', role: 'pharmacist' } as const;
    // A session made on another facility's terminal (or the secretariat's) is no session there.
    expect((await identifyCaller(db, { terminalSerial: 'aa01', sessionToken: (await openSession(db, pharmacist, 'aa01', now)).token }, policy, now))?.session).toBeUndefined();
    await registerTerminal(db, { serial: 'cc23', facilityCode: null, name: '事務局4', notAfter: new Date('2030-01-01') });
    expect((await identifyCaller(db, { terminalSerial: 'cc23', sessionToken: (await openSession(db, pharmacist, 'cc23', now)).token }, policy, now))?.session).toBeUndefined();
    const own = (await openSession(db, pharmacist, 'ff05', now)).token;
    expect((await identifyCaller(db, { terminalSerial: 'ff05', sessionToken: own }, policy, now))?.session).toMatchObject({ user: { id: 'ph.yamada' } });
    // The pharmacy is suspended: its terminals and its staff's sessions stop at once.
    await db.query("UPDATE facilities SET status = 'suspended' WHERE code = $1", [OTHER]);
    expect(await identifyCaller(db, { terminalSerial: 'ff05', sessionToken: own }, policy, now)).toBeUndefined();
    // The operator works on the secretariat's terminals only.
    await createUser(db, { id: 'op.sanuki', displayName: '事務局 讃岐', role: 'operator', facilityCode: null, password: 'correct horse battery' });
    await registerTerminal(db, { serial: 'cc13', facilityCode: null, name: '事務局3', notAfter: new Date('2030-01-01') });
    const operator = { id: 'op.sanuki', role: 'operator' } as const;
    expect((await identifyCaller(db, { terminalSerial: 'aa01', sessionToken: (await openSession(db, operator, 'aa01', now)).token }, policy, now))?.session).toBeUndefined();
    expect((await identifyCaller(db, { terminalSerial: 'cc13', sessionToken: (await openSession(db, operator, 'cc13', now)).token }, policy, now))?.session).toMatchObject({ user: { role: 'operator' } });
  });

  it('knows a registered terminal until it is revoked or expires', async () => {
    await registerTerminal(db, { serial: '0ABCDEF1', facilityCode: FACILITY, name: '外来1', notAfter: new Date('2030-01-01') });
    expect(await findActiveTerminal(db, 'abcdef1')).toEqual({ serial: 'abcdef1', facilityCode: FACILITY, name: '外来1' });
    expect(await findActiveTerminal(db, 'abcdef1', new Date('2030-01-02'))).toBeUndefined();
    expect(await findActiveTerminal(db, 'feed')).toBeUndefined();
    expect(await revokeTerminal(db, 'ABCDEF1')).toBe(true);
    expect(await findActiveTerminal(db, 'abcdef1')).toBeUndefined();
    expect(await revokeTerminal(db, 'abcdef1')).toBe(false);
  });

  it('checks cards: a genuine one opens, a made-up or altered one is unknown, a reissued or suspended one says so', async () => {
    const card = await issueCard(db, keys, personId, { label: 'テスト' });
    expect(card.qr).toMatch(/^RKC1-\d{16}-[A-Z2-7]{32}$/);
    expect(luhnCheckDigit(card.cardNumber.slice(0, 15))).toBe(card.cardNumber[15]);
    expect(await checkCard(db, keys, ` ${card.qr}\r\n`)).toEqual({ status: 'valid', personId, cardNumber: card.cardNumber });
    const stored = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM cards WHERE card_number = $1', [card.cardNumber]);
    expect(card.qr).not.toContain(stored.rows[0]!.secret_hash.toUpperCase());

    const tampered = card.qr.slice(0, -1) + (card.qr.endsWith('A') ? 'B' : 'A');
    expect(await checkCard(db, keys, tampered)).toEqual({ status: 'unknown' });
    expect(await checkCard(db, keys, 'RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toEqual({ status: 'unknown' });
    expect(await checkCard(db, keys, 'garbage')).toEqual({ status: 'unknown' });

    // A person holds one working card: a new one replaces every card before it.
    const replacement = await issueCard(db, keys, personId);
    expect(replacement.replaced).toEqual([card.cardNumber]);
    expect(await checkCard(db, keys, card.qr)).toMatchObject({ status: 'inactive', cardStatus: 'replaced' });
    expect(await checkCard(db, keys, replacement.qr)).toMatchObject({ status: 'valid' });
    expect(await setCardStatus(db, { cardNumber: replacement.cardNumber, personId }, 'suspended')).toBe(true);
    expect(await checkCard(db, keys, replacement.qr)).toMatchObject({ status: 'inactive', cardStatus: 'suspended' });
    // A replaced card cannot be brought back, and another person's card is not this person's to change.
    expect(await setCardStatus(db, { cardNumber: card.cardNumber, personId }, 'active')).toBe(false);
    expect(await setCardStatus(db, { cardNumber: replacement.cardNumber, personId: '00000000-0000-4000-8000-000000000000' }, 'active')).toBe(false);
    await expect(db.query("UPDATE cards SET status = 'active' WHERE card_number = $1", [card.cardNumber])).rejects.toThrow();
  });

  it('opens a patient access for the session that presented the card, until it expires or the card is revoked', async () => {
    const now = new Date('2026-11-22T11:00:00Z');
    const card = await issueCard(db, keys, personId);
    const sessionToken = (await openSession(db, doctor, 'aa01', now)).token;
    const otherToken = (await openSession(db, otherDoctor, 'aa01', now)).token;
    const session = (await resumeSession(db, sessionToken, 'aa01', policy, now))!;
    const otherSession = (await resumeSession(db, otherToken, 'aa01', policy, now))!;
    const access = await openPatientAccess(db, session, { personId, key: { cardNumber: card.cardNumber } }, policy, now);
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toMatchObject({ personId });
    expect(await findPatientAccess(db, otherSession, access.id, minutesLater(now, 5))).toBeUndefined();
    expect(await findPatientAccess(db, session, 'made-up', minutesLater(now, 5))).toBeUndefined();
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, policy.patientAccessMinutes + 1))).toBeUndefined();
    // The gate asks the same with the terminal and the session, in one query.
    const [own, other] = await Promise.all(
      [sessionToken, otherToken].map((token) => identifyCaller(db, { terminalSerial: 'aa01', sessionToken: token, accessId: access.id }, policy, minutesLater(now, 5))),
    );
    expect(own?.patientAccess).toEqual(await findPatientAccess(db, session, access.id, minutesLater(now, 5)));
    expect(other?.session).toBeDefined();
    expect(other?.patientAccess).toBeUndefined();
    expect((await identifyCaller(db, { terminalSerial: 'aa01', accessId: access.id }, policy, minutesLater(now, 5)))?.patientAccess).toBeUndefined();
    await setCardStatus(db, { cardNumber: card.cardNumber, personId }, 'revoked');
    expect((await identifyCaller(db, { terminalSerial: 'aa01', sessionToken, accessId: access.id }, policy, minutesLater(now, 5)))?.patientAccess).toBeUndefined();
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toBeUndefined();
    // Revocation is final: the card reactivated, the access it had opened stays closed.
    await setCardStatus(db, { cardNumber: card.cardNumber, personId }, 'active');
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toBeUndefined();
    const reopened = await openPatientAccess(db, session, { personId, key: { cardNumber: card.cardNumber } }, policy, now);
    expect(await findPatientAccess(db, session, reopened.id, minutesLater(now, 5))).toMatchObject({ personId });
  });

  it('My Number: a challenge is used once, by its session, for its purpose, in time; a binding opens accesses until it is ended', async () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const session = (await resumeSession(db, (await openSession(db, doctor, 'aa01', now)).token, 'aa01', policy, now))!;
    const otherSession = (await resumeSession(db, (await openSession(db, otherDoctor, 'aa01', now)).token, 'aa01', policy, now))!;
    const { challenge } = await createChallenge(db, session, 'present', now);
    expect(challenge).toMatch(/^renkei-jpki:v1:present:[A-Za-z0-9_-]{43}$/);
    expect(await consumeChallenge(db, otherSession, challenge, 'present', now)).toBe(false);
    // Another session's attempt does not use it up: the card read it belongs to still goes through.
    expect(await consumeChallenge(db, session, challenge, 'present', now)).toBe(true);
    const again = (await createChallenge(db, session, 'present', now)).challenge;
    expect(await consumeChallenge(db, session, again, 'bind', now)).toBe(false);
    const late = (await createChallenge(db, session, 'present', now)).challenge;
    expect(await consumeChallenge(db, session, late, 'present', minutesLater(now, 3))).toBe(false);
    const good = (await createChallenge(db, session, 'present', now)).challenge;
    expect(await consumeChallenge(db, session, good, 'present', now)).toBe(true);
    expect(await consumeChallenge(db, session, good, 'present', now)).toBe(false);

    const certificate = { fingerprint: 'ab'.repeat(32), issuer: 'CN=Test JPKI', serial: '1234', notAfter: new Date('2030-01-01T00:00:00Z') };
    expect(await bindMyNumberCard(db, '00000000-0000-4000-8000-000000000000', certificate, 'dr.tanaka', now)).toEqual({ status: 'refused', reason: 'unknown-person' });
    expect(await bindMyNumberCard(db, personId, certificate, 'dr.tanaka', now)).toMatchObject({ status: 'bound', notAfter: certificate.notAfter });
    expect(await bindMyNumberCard(db, personId, certificate, 'dr.tanaka', now)).toMatchObject({ status: 'bound', notAfter: certificate.notAfter });
    expect(await findBoundPerson(db, certificate.fingerprint)).toBe(personId);
    const access = await openPatientAccess(db, session, { personId, key: { myNumberFingerprint: certificate.fingerprint } }, policy, now);
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toMatchObject({ personId, key: { myNumberFingerprint: certificate.fingerprint } });
    expect(await unbindMyNumberCards(db, personId, 'dr.tanaka', now)).toBe(1);
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toBeUndefined();
    expect(await findBoundPerson(db, certificate.fingerprint)).toBeUndefined();
    // Bound again, the card opens nothing it had opened before.
    await bindMyNumberCard(db, personId, certificate, 'dr.tanaka', now);
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toBeUndefined();
  });
});
