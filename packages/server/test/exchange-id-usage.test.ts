import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser, loggedInClients, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const patient = { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-000123' };
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' };

describe.each(testEngines())('the clerks\' view of their facility\'s ID usage on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  const { as, close: closeClients } = loggedInClients(() => ({ network, server }));

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
  });
  afterAll(async () => {
    await closeClients();
    await server?.close();
    await network?.close();
  });

  it('counts what each ID of the facility sent, received, opened, signed and assigned this month, for its clerks and liaison, without patient data', async () => {
    const hospital = demoUser(network, 'demo-doctor').facility!;
    const clinicDoctor = await as('demo-clinic-doctor');
    const created = await clinicDoctor.call('POST', '/api/exchanges', { kind: 'reading', to: { facility: hospital }, patient, consent, subject: '胸部CT 読影のお願い', body: '結節影の評価をお願いします。' });
    const id = created.body.id as string;
    const liaison = await as('demo-liaison');
    expect((await liaison.call('GET', `/api/exchanges/${id}`)).status).toBe(200);
    expect((await liaison.call('POST', `/api/exchanges/${id}/assign`, { userId: 'demo-doctor' })).status).toBe(200);
    const doctor = await as('demo-doctor');
    await doctor.call('GET', `/api/exchanges/${id}`);
    await doctor.call('GET', `/api/exchanges/${id}`);
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '右上葉に結節。', impression: '経過観察。' })).status).toBe(200);

    const clerk = await as('demo-clerk');
    const usage = await clerk.call('GET', '/api/exchanges/id-usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ facility: hospital, month: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7) });
    const row = (userId: string) => usage.body.rows.find((r: { userId: string }) => r.userId === userId);
    // Every ID of the hospital, and only those.
    const hospitalIds = (await network.stores.identity.query<{ id: string }>('SELECT id FROM users WHERE facility_code = $1 ORDER BY id', [hospital])).rows.map((r) => r.id);
    expect(usage.body.rows.map((r: { userId: string }) => r.userId).sort()).toEqual(hospitalIds);
    expect(row('demo-doctor')).toMatchObject({ role: 'doctor', active: true, sent: 0, received: 1, read: 1, signed: 1, assigned: 0, lastExchangeAt: expect.any(String), lastLoginAt: expect.any(String) });
    expect(row('demo-liaison')).toMatchObject({ received: 0, read: 1, assigned: 1 });
    expect(row('demo-nurse')).toMatchObject({ sent: 0, received: 0, read: 0, signed: 0, lastExchangeAt: null });
    // Counts and times only: nothing of the item or its patient.
    const text = JSON.stringify(usage.body);
    for (const secret of [id, patient.name, patient.kana, patient.patientId, patient.birthDate, '胸部CT', '右上葉']) expect(text).not.toContain(secret);

    // The liaison sees the same; another month counts nothing; a month that is none is refused.
    expect((await liaison.call('GET', '/api/exchanges/id-usage')).body.rows).toHaveLength(hospitalIds.length);
    const past = await clerk.call('GET', '/api/exchanges/id-usage?month=2020-01');
    expect(past.body.rows.every((r: { sent: number; received: number; read: number; lastExchangeAt: string | null }) => r.sent + r.received + r.read === 0 && r.lastExchangeAt === null)).toBe(true);
    expect((await clerk.call('GET', '/api/exchanges/id-usage?month=2026-13')).status).toBe(400);

    const trail = (await network.stores.clinical.query<{ actor: string; outcome: string }>("SELECT actor, outcome FROM audit_events WHERE action = 'exchange.id-usage' ORDER BY id")).rows;
    expect(trail[0]).toEqual({ actor: 'demo-clerk', outcome: 'allowed' });
  });

  it('is the clerks\' and the liaison\'s only: every other role is refused at the gate', async () => {
    for (const userId of ['demo-doctor', 'demo-clinic-doctor', 'demo-technologist', 'demo-nurse', 'demo-pharmacist', 'demo-facility-admin', 'demo-operator']) {
      const reply = await (await as(userId)).call('GET', '/api/exchanges/id-usage');
      expect({ userId, status: reply.status, code: reply.body.error?.code }).toEqual({ userId, status: 403, code: 'role-forbidden' });
    }
    for (const userId of ['demo-clerk', 'demo-liaison']) expect((await (await as(userId)).call('GET', '/api/exchanges/id-usage')).status).toBe(200);
  });
});
