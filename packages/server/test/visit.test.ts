import { readFile } from 'node:fs/promises';
import { createNetworkCa, issueTerminalCertificate, revokeTerminal, setCardStatus, toPkcs12 } from '@renkei/access';
import { verifyAuditTrail } from '@renkei/audit';
import { testEngines } from '@renkei/store/testing';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('a visit on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startServer(network);
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  it('answers /api/health without a terminal certificate, and nothing else', async () => {
    const browser = Client.anonymous(server, network);
    expect((await browser.call('GET', '/api/health')).body).toEqual({ status: 'ok' });
    const login = await browser.login(network, 'doctor');
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('terminal-required');
    expect((await browser.call('GET', '/api/patient-access/x/summary')).status).toBe(403);
    await browser.close();
  });

  it('judges the path the router answers, not its spelling: an absolute URL or an encoded path gets no further without a certificate', async () => {
    const doctor = network.credentials.users.find((u) => u.role === 'doctor')!;
    const body = JSON.stringify({ userId: doctor.id, password: doctor.password });
    /** One raw HTTP/1.1 request over TLS, with no client certificate; answers the status code. */
    const raw = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(server.url);
        const socket = connect({ host: '127.0.0.1', port: Number(port), ca: network.caPem, servername: 'localhost' }, () => {
          socket.write(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        });
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])));
        socket.on('error', reject);
      });
    expect(await raw('/api/login')).toBe(403);
    expect(await raw('https://localhost/api/login')).toBe(400);
    expect([403, 404]).toContain(await raw('/%61pi/login'));
    expect([403, 404]).toContain(await raw('/api/%6cogin'));
    // None of these was a login: the account's last login is untouched.
    const { rows } = await network.stores.identity.query<{ last_login_at: Date | null; failed_logins: number }>('SELECT last_login_at, failed_logins FROM users WHERE id = $1', [doctor.id]);
    expect(rows[0]).toEqual({ last_login_at: null, failed_logins: 0 });
  });

  it('refuses a certificate from another CA, and one of ours that was never registered', async () => {
    const foreignCa = await createNetworkCa({ name: 'Someone else' });
    const foreign = await issueTerminalCertificate(foreignCa, { facilityCode: network.credentials.users[0]!.facility, name: 'stranger' });
    const stranger = Client.tls(server.url, { caPem: network.caPem, pfx: toPkcs12(foreign, foreignCa, 'pw', 'x'), passphrase: 'pw' });
    expect((await stranger.login(network, 'doctor')).status).toBe(403);
    await stranger.close();

    const { loadOrCreateNetworkCa } = await import('@renkei/access');
    const ours = await loadOrCreateNetworkCa(network.dataDir);
    const unregistered = await issueTerminalCertificate(ours, { facilityCode: network.credentials.users[0]!.facility, name: 'not registered' });
    const walkIn = Client.tls(server.url, { caPem: network.caPem, pfx: toPkcs12(unregistered, ours, 'pw', 'x'), passphrase: 'pw' });
    const refused = await walkIn.login(network, 'doctor');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('terminal-required');
    await walkIn.close();
  });

  it('goes through a whole visit: login, card, summary, histories, detail, logout, all audited', async () => {
    const browser = await Client.terminal(server, network);
    expect((await browser.call('GET', '/api/me')).status).toBe(401);
    const wrong = await browser.call('POST', '/api/login', { userId: 'demo-doctor', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('login-failed');

    const login = await browser.login(network, 'doctor');
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ user: { id: 'demo-doctor', role: 'doctor' }, canReadHistories: true, terminal: { demo: false } });
    expect([login.headers['set-cookie']].flat().join()).toMatch(/HttpOnly.*Secure.*SameSite=Strict|Secure.*HttpOnly/i);

    const madeUp = await browser.call('POST', '/api/patient-access', { card: 'RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(madeUp.status).toBe(404);
    expect(madeUp.body.error.code).toBe('card-not-accepted');

    const opened = await browser.call('POST', '/api/patient-access', { card: network.credentials.cards[0]!.qr });
    expect(opened.status).toBe(201);
    const { accessId } = opened.body;
    expect(accessId).toMatch(/^[\w-]{20,}$/);

    const summary = await browser.call('GET', `/api/patient-access/${accessId}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.headers['cache-control']).toBe('no-store');
    expect(summary.body).toMatchObject({ diagnoses: expect.any(Array), medications: expect.any(Array), procedures: expect.any(Array), tests: expect.any(Array) });
    expect(summary.body.diagnoses.length).toBeGreaterThan(0);
    expect(summary.body.patient).toMatchObject({ sex: expect.stringMatching(/male|female/), age: expect.any(Number) });
    for (const d of summary.body.diagnoses) {
      expect(d.suspected ? ['suspected'] : d.outcome === 'continuing' ? ['active', 'lapsed'] : ['ended']).toContain(d.status);
    }

    const pdf = await browser.call('GET', `/api/patient-access/${accessId}/summary.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.raw;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+BIZUDGothic/);

    const history = await browser.call('GET', `/api/patient-access/${accessId}/history`);
    expect(history.status).toBe(200);
    const month = summary.body.period.to;
    const filtered = await browser.call('GET', `/api/patient-access/${accessId}/history?from=${month}&to=${month}`);
    for (const m of filtered.body.medications) expect(m.months).toContain(month);
    expect(filtered.body.medications.length).toBeLessThanOrEqual(history.body.medications.length);
    expect((await browser.call('GET', `/api/patient-access/${accessId}/history?from=2024-1`)).status).toBe(400);

    const detail = await browser.call('GET', `/api/patient-access/${accessId}/detail`);
    expect(detail.body.enrollments.length).toBeGreaterThan(0);
    expect(detail.body.card.status).toBe('active');

    expect((await browser.call('POST', '/api/logout')).status).toBe(200);
    expect((await browser.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(401);
    await browser.close();

    const { rows } = await network.stores.clinical.query<{ action: string; outcome: string; actor: string; terminal: string }>(
      "SELECT action, outcome, actor, terminal FROM audit_events WHERE action <> 'claims.ingest' ORDER BY id",
    );
    const trail = rows.map((r) => `${r.action}:${r.outcome}`);
    expect(trail).toEqual(expect.arrayContaining(['login:refused', 'login:allowed', 'card.present:refused', 'card.present:allowed', 'patient.summary:allowed', 'patient.summary.pdf:allowed', 'patient.history:allowed', 'patient.detail:allowed', 'logout:allowed']));
    expect(rows.filter((r) => r.action === 'patient.summary').every((r) => r.actor === 'demo-doctor' && r.terminal === network.credentials.terminal.serial)).toBe(true);
    expect(await verifyAuditTrail(network.stores.clinical, network.keys.audit)).toMatchObject({ ok: true });
  });

  it('runs both searches: disease groups (with operators\' own groups) and chief complaints, audited', async () => {
    const operator = await Client.signedIn(server, network, 'operator');
    const group = { id: 'all-ages', name: '全年齢（テスト用）', minAge: 0 };
    expect((await operator.call('POST', '/api/disease-groups', group)).status).toBe(201);
    expect((await operator.call('POST', '/api/disease-groups', group)).status).toBe(409);
    expect((await operator.call('POST', '/api/disease-groups', { id: 'x', name: '' })).status).toBe(400);
    await operator.close();

    const browser = await Client.terminal(server, network);
    await browser.login(network, 'doctor');
    expect((await browser.call('POST', '/api/disease-groups', { ...group, id: 'by-doctor' })).status).toBe(403);
    const { accessId } = (await browser.call('POST', '/api/patient-access', { card: network.credentials.cards[0]!.qr })).body;
    const summary = (await browser.call('GET', `/api/patient-access/${accessId}/summary`)).body;
    const groups = await browser.call('GET', `/api/patient-access/${accessId}/disease-groups`);
    expect(groups.status).toBe(200);
    expect(groups.body.checked.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining(['covid-diabetes', 'all-ages']));
    expect(groups.body.groups.map((g: { id: string }) => g.id)).toContain('all-ages');
    // The summary's risk flags are the COVID-19 groups the patient is in.
    const covid = groups.body.groups.filter((g: { id: string }) => g.id.startsWith('covid-'));
    expect(summary.riskFlags).toEqual(covid);
    expect(summary.patient.age >= 65).toBe(summary.riskFlags.some((g: { id: string }) => g.id === 'covid-age-65'));

    const complaint = await browser.call('GET', `/api/patient-access/${accessId}/complaints?q=${encodeURIComponent('めまい')}`);
    expect(complaint.body).toMatchObject({ complaint: 'めまい', known: true, diagnoses: expect.any(Array), medications: expect.any(Array), tests: expect.any(Array) });
    expect((await browser.call('GET', `/api/patient-access/${accessId}/complaints`)).status).toBe(400);
    const tables = await browser.call('GET', '/api/chief-complaints');
    expect(tables.body.complaints.map((c: { name: string }) => c.name)).toContain('胸痛');
    await browser.close();

    const { rows } = await network.stores.clinical.query<{ action: string; detail: { complaint?: string } }>("SELECT action, detail FROM audit_events WHERE action LIKE 'patient.search.%' OR action = 'disease-group.add'");
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['disease-group.add', 'patient.search.disease-groups', 'patient.search.complaint']));
  });

  it('gives an unknown access id and another session\'s access the same refusal', async () => {
    const first = await Client.terminal(server, network);
    await first.login(network, 'doctor');
    const { accessId } = (await first.call('POST', '/api/patient-access', { card: network.credentials.cards[1]!.qr })).body;
    const second = await Client.terminal(server, network);
    await second.login(network, 'nurse');
    const stolen = await second.call('GET', `/api/patient-access/${accessId}/summary`);
    const unknown = await second.call('GET', '/api/patient-access/AAAAAAAAAAAAAAAAAAAAAAAA/summary');
    expect(stolen.status).toBe(404);
    expect(stolen.body).toEqual(unknown.body);
    await Promise.all([first.close(), second.close()]);
  });

  it('lets no clerk, liaison or administrator open a history', async () => {
    for (const role of ['clerk', 'liaison', 'facility-admin', 'technologist', 'operator']) {
      const browser = await Client.signedIn(server, network, role);
      expect((await browser.call('GET', '/api/me')).body.canReadHistories).toBe(false);
      const refused = await browser.call('POST', '/api/patient-access', { card: network.credentials.cards[0]!.qr });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('role-forbidden');
      await browser.close();
    }
  });

  it('says clearly that a revoked card no longer works, and closes what it opened for good', async () => {
    const browser = await Client.signedIn(server, network, 'doctor');
    const card = network.credentials.cards[2]!;
    const { accessId } = (await browser.call('POST', '/api/patient-access', { card: card.qr })).body;
    const cardNumber = card.qr.split('-')[1]!;
    const { rows } = await network.stores.identity.query<{ person_id: string }>('SELECT person_id FROM cards WHERE card_number = $1', [cardNumber]);
    const held = { cardNumber, personId: rows[0]!.person_id };
    await setCardStatus(network.stores.identity, held, 'revoked');
    const refused = await browser.call('POST', '/api/patient-access', { card: card.qr });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'card-revoked', message: expect.stringContaining('失効') });
    expect((await browser.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(404);
    // Reactivating the card opens nothing it had opened: the card is presented again.
    await setCardStatus(network.stores.identity, held, 'active');
    expect((await browser.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(404);
    const again = await browser.call('POST', '/api/patient-access', { card: card.qr });
    expect(again.status).toBe(201);
    expect((await browser.call('GET', `/api/patient-access/${again.body.accessId}/summary`)).status).toBe(200);
    await browser.close();
  });

  it('refuses a revoked terminal on its very next request', async () => {
    const browser = await Client.terminal(server, network);
    expect((await browser.login(network, 'doctor')).status).toBe(200);
    await revokeTerminal(network.stores.identity, network.credentials.terminal.serial);
    const me = await browser.call('GET', '/api/me');
    expect(me.status).toBe(403);
    expect(me.body.error.code).toBe('terminal-required');
    await network.stores.identity.query('UPDATE terminals SET revoked_at = NULL WHERE serial = $1', [network.credentials.terminal.serial]);
    await browser.close();
  });

  it('treats loopback as the demo terminals in demo mode only, the one of the user\'s own workplace, and says so', async () => {
    const demoTerminals = network.credentials.terminals.map((t) => ({ serial: t.serial, facilityCode: t.facility, name: t.name }));
    const demo = await startServer(network, { mode: 'demo', demoTerminals });
    const doctor = Client.anonymous(demo, network);
    const login = await doctor.login(network, 'doctor');
    expect(login.status).toBe(200);
    expect(login.body.terminal).toMatchObject({ demo: true, serial: network.credentials.terminal.serial });
    const operator = Client.anonymous(demo, network);
    const asOperator = await operator.login(network, 'operator');
    expect(asOperator.body.terminal).toMatchObject({ demo: true, facilityCode: null });
    expect((await operator.call('GET', '/api/admin/reviews')).status).toBe(200);
    await Promise.all([doctor.close(), operator.close()]);
    await demo.close();
  });

  it('believes a fronting proxy\'s certificate headers from its own address only', async () => {
    const headers = { 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': network.credentials.terminal.serial.toUpperCase() };
    const proxied = await startServer(network, { trustedProxyAddress: '127.0.0.1' });
    const viaProxy = Client.anonymous(proxied, network);
    expect((await viaProxy.call('POST', '/api/login', { userId: 'demo-doctor', password: network.credentials.users[0]!.password }, headers)).status).toBe(200);
    expect((await viaProxy.call('GET', '/api/me', undefined, { ...headers, 'x-ssl-client-verify': 'FAILED' })).status).toBe(403);
    await viaProxy.close();
    await proxied.close();

    const elsewhere = await startServer(network, { trustedProxyAddress: '10.1.2.3' });
    const forger = Client.anonymous(elsewhere, network);
    expect((await forger.call('POST', '/api/login', { userId: 'demo-doctor', password: 'x' }, headers)).status).toBe(403);
    await forger.close();
    await elsewhere.close();
  });

  it('refuses to start in production mode with a demo terminal, or in demo mode without one', async () => {
    await expect(startServer(network, { mode: 'production', demoTerminals: [{ serial: 'abc', facilityCode: null, name: 'x' }] })).rejects.toThrow(/production/);
    await expect(startServer(network, { mode: 'demo' })).rejects.toThrow(/demo/);
  });

  it('offers TLS 1.2 only with forward secrecy and authenticated encryption (ECDHE with GCM or ChaCha20), and TLS 1.3', async () => {
    const { port } = new URL(server.url);
    const handshake = (options: { maxVersion: 'TLSv1.2' | 'TLSv1.3'; ciphers?: string }) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port), ca: network.caPem, servername: 'localhost', minVersion: 'TLSv1.2', ...options }, () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.end();
        });
        socket.on('error', () => resolve('refused'));
      });
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-GCM-SHA256' })).toBe('refused');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    expect(await handshake({ maxVersion: 'TLSv1.3' })).toMatch(/^TLSv1\.3 TLS_/);
  });

  it('keeps the p12 password-protected and the credentials file private', async () => {
    const { stat } = await import('node:fs/promises');
    expect((await stat(network.credentials.terminal.p12)).mode & 0o077).toBe(0);
    expect((await readFile(network.credentials.terminal.p12)).length).toBeGreaterThan(1000);
  });
});
