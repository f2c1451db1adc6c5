import { verifyAuditTrail } from '@renkei/audit';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What every request must be before a route sees it: the edge (edge.ts) and the refusals' audit, through `inject` (TLS is not the point here). */
describe.each(testEngines())('the edge on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const auditCount = async () => Number((await network.stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows[0]!.n);

  it('refuses a NUL byte in a URL parameter, a query or a body field with 400 invalid-text, before any store sees it; the change next to it is audited as usual', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const before = await auditCount();
    for (const refused of [
      await admin.call('POST', '/api/admin/users/clerk%00x/deactivate'),
      await admin.call('GET', '/api/admin/fees/2026-10/3710100001?x=a%00b'),
      await admin.call('POST', '/api/admin/users', { id: 'nul-user', displayName: '名前\u0000', role: 'clerk', facilityCode: demoUser(network, 'facility-admin').facility }),
      await admin.call('POST', '/api/admin/users', { 'key\u0000': 1 }),
    ]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid-text');
    }
    expect((await network.stores.identity.query("SELECT 1 FROM users WHERE id = 'nul-user'")).rows).toHaveLength(0);
    // Each refusal is on the trail, none of the text with it; and the trail still verifies.
    const refusals = await network.stores.clinical.query<{ detail: Record<string, unknown> }>("SELECT detail FROM audit_events WHERE outcome = 'refused' AND detail->>'reason' = 'invalid-text'");
    expect(refusals.rows.length).toBe(4);
    expect(await auditCount()).toBe(before + 4);
    // A change right after commits with its record.
    const issued = await admin.call('POST', '/api/admin/users', { id: 'after-nul', displayName: '受付 二郎', role: 'clerk', facilityCode: demoUser(network, 'facility-admin').facility });
    expect(issued.status).toBe(201);
    const record = await network.stores.clinical.query("SELECT 1 FROM audit_events WHERE action = 'user.issue' AND outcome = 'allowed' AND detail->>'user' = 'after-nul'");
    expect(record.rows).toHaveLength(1);
    expect(await verifyAuditTrail(network.stores.clinical, network.keys.audit)).toMatchObject({ ok: true });
    await admin.close();
  });

  it('refuses a state-changing request from another origin, or without a JSON body type, and changes nothing', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const target = demoUser(network, 'clerk').id;
    const crossSite = await admin.call('POST', `/api/admin/users/${target}/deactivate`, {}, { origin: 'https://localhost:9999' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('cross-site');
    const fetchSite = await admin.call('POST', `/api/admin/users/${target}/deactivate`, {}, { 'sec-fetch-site': 'same-site' });
    expect(fetchSite.body.error.code).toBe('cross-site');
    const plain = await admin.call('POST', `/api/admin/users/${target}/deactivate`, {}, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('json-required');
    const { rows } = await network.stores.identity.query<{ active: boolean }>('SELECT active FROM users WHERE id = $1', [target]);
    expect(rows[0]!.active).toBe(true);
    // The same page's own request goes through.
    const own = await admin.call('POST', `/api/admin/users/${target}/deactivate`, {}, { origin: 'https://localhost', host: 'localhost' });
    expect(own.status).toBe(200);
    await admin.call('POST', `/api/admin/users/${target}/activate`);
    await admin.close();
  });

  it('refuses control characters and direction overrides in the names and addresses people read', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const facility = demoUser(network, 'facility-admin').facility;
    for (const displayName of ['受付\u202e三郎', '受付\u0007三郎', '受付\n三郎']) {
      expect((await admin.call('POST', '/api/admin/users', { id: 'ctrl-user', displayName, role: 'clerk', facilityCode: facility })).status).toBe(400);
    }
    expect((await admin.call('POST', `/api/admin/facilities/${facility}`, { address: '香川県\u2066高松市' })).status).toBe(400);
    await admin.close();
  });

  it('keeps no answer of the API in a cache, however its path is spelled', async () => {
    const doctor = await Client.signedIn(server, network, 'doctor');
    for (const path of ['/api/me', '/%61pi/me', '/api/%6de', '/api/nothing-here']) expect((await doctor.call('GET', path)).headers['cache-control'], path).toBe('no-store');
    await doctor.close();
  });

  it('audits every refusal after the handshake: no terminal, a revoked one, no login, the wrong role, a bad body', async () => {
    const anonymous = Client.anonymous(server, network);
    const before = await auditCount();
    expect((await anonymous.call('GET', '/api/me')).status).toBe(403);
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await doctor.call('POST', '/api/desk/persons/search', { birthDate: '1950-01-01', kana: 'カガワ' })).status).toBe(403);
    expect((await doctor.call('POST', '/api/patient-access', { card: 1 })).status).toBe(400);
    const nobody = await Client.terminal(server, network);
    expect((await nobody.call('GET', '/api/me')).status).toBe(401);
    const { rows } = await network.stores.clinical.query<{ actor: string; action: string; detail: { reason: string } }>('SELECT actor, action, detail FROM audit_events WHERE id > $1 ORDER BY id', [before]);
    const refusals = rows.filter((r) => r.detail.reason !== undefined).map((r) => `${r.actor}:${r.action}:${r.detail.reason}`);
    expect(refusals).toEqual(
      expect.arrayContaining([
        'anonymous:request:terminal-required',
        'demo-doctor:desk.person.search:role-forbidden',
        'demo-doctor:card.present:bad-request',
        'anonymous:request:login-required',
      ]),
    );
    await Promise.all([anonymous.close(), doctor.close(), nobody.close()]);
  });

  it('records refusals without a terminal at most ten a minute per address, counting the rest', async () => {
    const anonymous = Client.anonymous(server, network);
    const before = await auditCount();
    for (let i = 0; i < 30; i++) await anonymous.call('GET', '/api/terminal');
    expect(await auditCount()).toBeLessThanOrEqual(before + 10);
    await anonymous.close();
  });

  it('limits the public directory per address, counted in the database', async () => {
    const anyone = Client.anonymous(server, network);
    // Until refused: at least the limit's worth answered first (more only if a minute's window ended meanwhile).
    let answered = 0;
    while (answered < 300 && (await anyone.call('GET', '/api/public/insurers')).status === 200) answered++;
    expect(answered).toBeGreaterThanOrEqual(120);
    expect(answered).toBeLessThan(300);
    await anyone.close();
  });
});
