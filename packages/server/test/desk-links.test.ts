import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startServer, type RunningServer, type TestNetwork } from '../src/testing.js';

describe.each(testEngines())('linking enrollments at the desk on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let kept: string;
  let other: string;
  let card: string;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startServer(network);
    card = network.credentials.cards[0]!.qr;
    const holder = await network.stores.identity.query<{ person_id: string }>('SELECT person_id FROM cards WHERE card_number = $1', [card.split('-')[1]]);
    kept = holder.rows[0]!.person_id;
    const someone = await network.stores.identity.query<{ id: string }>('SELECT p.id FROM persons p WHERE p.id <> $1 AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) ORDER BY p.id LIMIT 1', [kept]);
    other = someone.rows[0]!.id;
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const view = async (doctor: Client) => {
    const { accessId } = (await doctor.call('POST', '/api/patient-access', { card })).body;
    const detail = (await doctor.call('GET', `/api/patient-access/${accessId}/detail`)).body;
    const history = (await doctor.call('GET', `/api/patient-access/${accessId}/history`)).body;
    return { enrollments: detail.enrollments.length, items: history.diagnoses.length + history.medications.length + history.procedures.length + history.tests.length };
  };

  it('continues the history across linked enrollments, and a wrong link is undone exactly', async () => {
    const clerk = await Client.terminal(server, network);
    await clerk.login(network, 'clerk');
    const doctor = await Client.terminal(server, network);
    await doctor.login(network, 'doctor');
    const before = await view(doctor);

    const linked = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other });
    expect(linked.status).toBe(200);
    const after = await view(doctor);
    expect(after.enrollments).toBeGreaterThan(before.enrollments);
    expect(after.items).toBeGreaterThan(before.items);

    expect((await clerk.call('POST', '/api/desk/persons/unlink', { linkId: linked.body.linkId })).status).toBe(200);
    expect(await view(doctor)).toEqual(before);
    expect((await clerk.call('POST', '/api/desk/persons/unlink', { linkId: linked.body.linkId })).status).toBe(404);
    await Promise.all([clerk.close(), doctor.close()]);
  });

  it('refuses to link a person with itself, persons that differ in consent, and anyone but desk staff', async () => {
    const clerk = await Client.terminal(server, network);
    await clerk.login(network, 'clerk');
    expect((await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: kept })).status).toBe(404);
    const unknown = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('link-unknown-person');
    await clerk.call('POST', '/api/desk/consent', { card, withdrawn: true });
    const differs = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other });
    expect(differs.status).toBe(409);
    expect(differs.body.error.message).toContain('同意');
    await clerk.call('POST', '/api/desk/consent', { card, withdrawn: false });
    await clerk.close();

    const doctor = await Client.terminal(server, network);
    await doctor.login(network, 'doctor');
    expect((await doctor.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other })).status).toBe(403);
    await doctor.close();
    const { rows } = await network.stores.clinical.query<{ action: string; outcome: string }>("SELECT action, outcome FROM audit_events WHERE action LIKE 'person.%'");
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(expect.arrayContaining(['person.link:allowed', 'person.unlink:allowed', 'person.link:refused']));
  });
});
