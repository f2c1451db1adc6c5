/**
 * Clinicians' IDs come from the secretariat after an application (finding 6 of
 * the core hardening): a facility administrator applies, with the licence
 * number; only the operator approves (the ID is issued) or refuses.
 * Through `inject`: the rules are the point here, not TLS.
 */
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('applications for clinicians\' IDs on %s', (engine) => {
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

  const userRow = async (id: string) => (await network.stores.identity.query<{ role: string; facility_code: string }>('SELECT role, facility_code FROM users WHERE id = $1', [id])).rows[0];
  const auditOf = async (action: string) =>
    (await network.stores.clinical.query<{ actor: string; outcome: string; detail: Record<string, unknown> }>('SELECT actor, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows;

  it('refuses a facility administrator a doctor\'s ID issued directly, and issues it only when the operator approves the application', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const facility = demoUser(network, 'facility-admin').facility!;
    const direct = await admin.call('POST', '/api/admin/users', { id: 'direct-doctor', displayName: '直接 発行', role: 'doctor', facilityCode: facility });
    expect(direct.status).toBe(403);
    expect(direct.body.error.code).toBe('licensed-role');
    expect(await userRow('direct-doctor')).toBeUndefined();

    const filed = await admin.call('POST', '/api/admin/user-applications', { id: 'applied-doctor', displayName: '申請 医師', role: 'doctor', facilityCode: facility, licenceNumber: '123456' });
    expect(filed.status).toBe(201);
    // Filed is not issued: nobody can log in as it yet, and the administrator cannot decide it.
    expect(await userRow('applied-doctor')).toBeUndefined();
    const pending = (await admin.call('GET', '/api/admin/user-applications')).body.applications.find((a: { id: string }) => a.id === 'applied-doctor');
    expect(pending).toMatchObject({ status: 'pending', licenceNumber: '123456', appliedBy: 'demo-facility-admin', role: 'doctor' });
    const selfApproved = await admin.call('POST', `/api/admin/user-applications/${pending.applicationId}/decision`, { approve: true });
    expect(selfApproved.status).toBe(403);
    expect(await userRow('applied-doctor')).toBeUndefined();

    const operator = await Client.signedIn(server, network, 'operator');
    const approved = await operator.call('POST', `/api/admin/user-applications/${pending.applicationId}/decision`, { approve: true, note: '医籍を確認' });
    expect(approved.status).toBe(200);
    expect(approved.body.application).toMatchObject({ status: 'approved', decidedBy: 'demo-operator' });
    expect(typeof approved.body.password).toBe('string');
    expect(await userRow('applied-doctor')).toEqual({ role: 'doctor', facility_code: facility });
    // Decided once: a second decision changes nothing.
    const again = await operator.call('POST', `/api/admin/user-applications/${pending.applicationId}/decision`, { approve: false });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(await userRow('applied-doctor')).toEqual({ role: 'doctor', facility_code: facility });

    expect(await auditOf('user-application.file')).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'allowed' }));
    expect(await auditOf('user-application.decide')).toContainEqual(expect.objectContaining({ actor: 'demo-operator', outcome: 'allowed' }));
    await Promise.all([admin.close(), operator.close()]);
  });

  it('issues nothing for a refused application, and takes none without a licence number, for a role that needs none, or for another facility', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const facility = demoUser(network, 'facility-admin').facility!;
    const other = network.credentials.users.find((u) => u.facility && u.facility !== facility)!.facility!;
    const body = { id: 'refused-nurse', displayName: '申請 看護師', role: 'nurse', facilityCode: facility, licenceNumber: 'N-42' };
    expect((await admin.call('POST', '/api/admin/user-applications', { ...body, licenceNumber: '' })).status).toBe(400);
    expect((await admin.call('POST', '/api/admin/user-applications', { ...body, role: 'clerk' })).status).toBe(400);
    expect((await admin.call('POST', '/api/admin/user-applications', { ...body, facilityCode: other })).status).toBe(404);
    const filed = await admin.call('POST', '/api/admin/user-applications', body);
    expect(filed.status).toBe(201);
    const operator = await Client.signedIn(server, network, 'operator');
    const pending = (await operator.call('GET', '/api/admin/user-applications')).body.applications.find((a: { id: string }) => a.id === 'refused-nurse');
    const refused = await operator.call('POST', `/api/admin/user-applications/${pending.applicationId}/decision`, { approve: false, note: '免許証の写しがありません' });
    expect(refused.status).toBe(200);
    expect(refused.body.application).toMatchObject({ status: 'refused', decisionNote: '免許証の写しがありません' });
    expect(refused.body.password).toBeUndefined();
    expect(await userRow('refused-nurse')).toBeUndefined();
    await Promise.all([admin.close(), operator.close()]);
  });
});
