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
import { DEFAULT_ACCESS_POLICY as policy } from './policy.js';
import { closeSession, openSession, resumeSession } from './sessions.js';
import { findActiveTerminal, registerTerminal, revokeTerminal } from './terminals.js';

const keys = deriveServerKeys(Buffer.alloc(32, 7));
const FACILITY = '3710000001';
const minutesLater = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

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
    // The PCs the sessions below are made on.
    for (const serial of ['aa01', 'bb02']) await registerTerminal(db, { serial, facilityCode: FACILITY, name: serial, notAfter: new Date('2030-01-01') });
    personId = timeOrderedId();
    await db.query("INSERT INTO persons (id, sex, birth_date_enc, birth_date_hash) VALUES ($1, 1, '\\x00', 'x')", [personId]);
  });
  afterAll(() => db?.close());

  it('accepts the right password, refuses a wrong one and an unknown ID alike, and locks after repeated failures', async () => {
    const now = new Date('2026-11-22T09:00:00Z');
    const ok = await authenticate(db, 'dr.tanaka', 'correct horse battery', policy, now);
    expect(ok).toMatchObject({ status: 'ok', user: { id: 'dr.tanaka', role: 'doctor', facilityName: '高松テスト病院' } });
    expect(await authenticate(db, 'nobody', 'whatever', policy, now)).toEqual({ status: 'refused', userExists: false });
    for (let i = 1; i < policy.maxFailedLogins; i++) {
      expect((await authenticate(db, 'dr.tanaka', 'wrong', policy, now)).status).toBe('refused');
    }
    expect((await authenticate(db, 'dr.tanaka', 'wrong', policy, now)).status).toBe('locked');
    // Locked: even the right password is refused until the lockout passes.
    expect((await authenticate(db, 'dr.tanaka', 'correct horse battery', policy, minutesLater(now, policy.lockoutMinutes - 1))).status).toBe('locked');
    expect((await authenticate(db, 'dr.tanaka', 'correct horse battery', policy, minutesLater(now, policy.lockoutMinutes + 1))).status).toBe('ok');
  });

  it('refuses a deactivated user with the same answer as a wrong password', async () => {
    await createUser(db, { id: 'gone', displayName: '退職 者', role: 'nurse', facilityCode: FACILITY, password: 'correct horse battery' });
    await db.query('UPDATE users SET active = false WHERE id = $1', ['gone']);
    expect(await authenticate(db, 'gone', 'correct horse battery', policy)).toEqual({ status: 'refused', userExists: true });
  });

  it('keeps a session on its own terminal, ends it when idle, too old, logged out, or when the terminal is revoked', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const token = await openSession(db, 'dr.tanaka', 'aa01', now);
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1))).toMatchObject({ user: { id: 'dr.tanaka' } });
    expect(await resumeSession(db, token, 'bb02', policy, minutesLater(now, 2))).toBeUndefined();
    expect(await resumeSession(db, 'made-up', 'aa01', policy, minutesLater(now, 2))).toBeUndefined();
    // Each use keeps it alive; a gap longer than the idle limit ends it.
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1 + policy.sessionIdleMinutes - 1))).toBeDefined();
    expect(await resumeSession(db, token, 'aa01', policy, minutesLater(now, 1 + 2 * policy.sessionIdleMinutes))).toBeUndefined();

    const busy = await openSession(db, 'dr.tanaka', 'aa01', now);
    let t = now;
    while (t.getTime() - now.getTime() < policy.sessionMaxHours * 3_600_000 - 20 * 60_000) {
      t = minutesLater(t, 10);
      expect(await resumeSession(db, busy, 'aa01', policy, t)).toBeDefined();
    }
    expect(await resumeSession(db, busy, 'aa01', policy, minutesLater(t, 30))).toBeUndefined();

    const other = await openSession(db, 'dr.tanaka', 'aa01', now);
    const session = (await resumeSession(db, other, 'aa01', policy, now))!;
    await closeSession(db, session.tokenHash, now);
    expect(await resumeSession(db, other, 'aa01', policy, now)).toBeUndefined();

    const onB = await openSession(db, 'dr.tanaka', 'bb02', now);
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: onB }, policy, now)).toMatchObject({ terminal: { serial: 'bb02' }, session: { user: { id: 'dr.tanaka' } } });
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: 'made-up' }, policy, now)).toMatchObject({ terminal: { serial: 'bb02' }, session: undefined });
    await revokeTerminal(db, 'bb02', now);
    expect(await identifyCaller(db, { terminalSerial: 'bb02', sessionToken: onB }, policy, now)).toBeUndefined();
    expect(await resumeSession(db, onB, 'bb02', policy, now)).toBeUndefined();
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

    const replacement = await issueCard(db, keys, personId, { replacing: card.cardNumber });
    expect(await checkCard(db, keys, card.qr)).toMatchObject({ status: 'inactive', cardStatus: 'replaced' });
    expect(await checkCard(db, keys, replacement.qr)).toMatchObject({ status: 'valid' });
    await setCardStatus(db, replacement.cardNumber, 'suspended');
    expect(await checkCard(db, keys, replacement.qr)).toMatchObject({ status: 'inactive', cardStatus: 'suspended' });
  });

  it('opens a patient access for the session that presented the card, until it expires or the card is revoked', async () => {
    const now = new Date('2026-11-22T11:00:00Z');
    const card = await issueCard(db, keys, personId);
    const sessionToken = await openSession(db, 'dr.tanaka', 'aa01', now);
    const otherToken = await openSession(db, 'dr.tanaka', 'aa01', now);
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
    await setCardStatus(db, card.cardNumber, 'revoked');
    expect((await identifyCaller(db, { terminalSerial: 'aa01', sessionToken, accessId: access.id }, policy, minutesLater(now, 5)))?.patientAccess).toBeUndefined();
    expect(await findPatientAccess(db, session, access.id, minutesLater(now, 5))).toBeUndefined();
  });

  it('My Number: a challenge is used once, by its session, for its purpose, in time; a binding opens accesses until it is ended', async () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const session = (await resumeSession(db, await openSession(db, 'dr.tanaka', 'aa01', now), 'aa01', policy, now))!;
    const otherSession = (await resumeSession(db, await openSession(db, 'dr.tanaka', 'aa01', now), 'aa01', policy, now))!;
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
  });
});
