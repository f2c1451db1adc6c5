import { decryptField } from '@renkei/identity';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, identifyAtDesk, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('linking enrollments at the desk on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let kept: string;
  let other: string;
  let card: string;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
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

  /** Makes `other` the same patient as `kept` as the cards say: the same name, kana and birth date (two enrollments of one person, found as two). */
  const sameIdentity = async () => {
    await network.stores.identity.query(
      `UPDATE person_names n SET name_enc = k.name_enc, kana_enc = k.kana_enc, name_hash = k.name_hash, kana_hash = k.kana_hash
         FROM (SELECT name_enc, kana_enc, name_hash, kana_hash FROM person_names WHERE person_id = $1 ORDER BY first_service_month DESC LIMIT 1) k WHERE n.person_id = $2`,
      [kept, other],
    );
    await network.stores.identity.query('UPDATE persons SET (birth_date_enc, birth_date_hash) = (SELECT birth_date_enc, birth_date_hash FROM persons WHERE id = $1) WHERE id = $2', [kept, other]);
  };

  /** The desk finds both by the kana name and birth date they now share (their insurance cards differ). */
  const identifyBoth = async (desk: Client) => {
    const { rows } = await network.stores.identity.query<{ kana_enc: Uint8Array; birth_date_enc: Uint8Array }>(
      'SELECT n.kana_enc, p.birth_date_enc FROM person_names n JOIN persons p ON p.id = n.person_id WHERE p.id = $1 LIMIT 1',
      [kept],
    );
    const kana = decryptField(network.keys.encryption, rows[0]!.kana_enc);
    const found = await desk.call('POST', '/api/desk/persons/search', { kana, birthDate: decryptField(network.keys.encryption, rows[0]!.birth_date_enc) });
    expect(found.body.candidates.map((c: { personId: string }) => c.personId)).toEqual(expect.arrayContaining([kept, other]));
  };

  it('continues the history across linked enrollments of one patient, and a wrong link is undone exactly', async () => {
    await sameIdentity();
    const clerk = await Client.signedIn(server, network, 'clerk');
    const doctor = await Client.signedIn(server, network, 'doctor');
    const before = await view(doctor);

    // Not found through the identity check: as unknown as a made-up person.
    expect((await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other })).status).toBe(404);
    await identifyBoth(clerk);
    const linked = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other });
    expect(linked.status).toBe(200);
    const after = await view(doctor);
    expect(after.enrollments).toBeGreaterThan(before.enrollments);
    expect(after.items).toBeGreaterThan(before.items);

    expect((await clerk.call('POST', '/api/desk/persons/unlink', { linkId: linked.body.linkId })).status).toBe(200);
    expect(await view(doctor)).toEqual(before);
    expect((await clerk.call('POST', '/api/desk/persons/unlink', { linkId: linked.body.linkId })).status).toBe(404);
    const links = await network.stores.identity.query<{ facility_code: string }>('SELECT facility_code FROM person_links WHERE id = $1', [linked.body.linkId]);
    expect(links.rows[0]!.facility_code).toBe(demoUser(network, 'clerk').facility);
    await Promise.all([clerk.close(), doctor.close()]);
  });

  it('sends a merge of persons whose names or birth dates differ to the operator, who approves or refuses it', async () => {
    const stranger = (await network.stores.identity.query<{ id: string }>('SELECT p.id FROM persons p WHERE p.id <> ALL($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) ORDER BY p.id DESC LIMIT 1', [[kept, other]])).rows[0]!.id;
    const clerk = await Client.signedIn(server, network, 'clerk');
    await identifyAtDesk(clerk, network, kept);
    await identifyAtDesk(clerk, network, stranger);
    const asked = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: stranger });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'pending-approval', differs: expect.arrayContaining(['name']) });
    // Nothing moved yet.
    const stillApart = await network.stores.identity.query('SELECT 1 FROM enrollments WHERE person_id = $1', [stranger]);
    expect(stillApart.rows.length).toBeGreaterThan(0);
    expect((await clerk.call('GET', '/api/admin/person-link-requests')).status).toBe(403);

    const operator = await Client.signedIn(server, network, 'operator');
    const pending = (await operator.call('GET', '/api/admin/person-link-requests')).body.requests.find((r: { requestId: number }) => r.requestId === asked.body.requestId);
    expect(pending).toMatchObject({ status: 'pending', facilityCode: demoUser(network, 'clerk').facility, requestedBy: 'demo-clerk' });
    const refused = await operator.call('POST', `/api/admin/person-link-requests/${asked.body.requestId}/decision`, { approve: false, note: '別人と確認' });
    expect(refused.body).toMatchObject({ status: 'refused', linkId: null });
    expect((await operator.call('POST', `/api/admin/person-link-requests/${asked.body.requestId}/decision`, { approve: true })).status).toBe(404);
    const apart = await network.stores.identity.query('SELECT 1 FROM enrollments WHERE person_id = $1', [stranger]);
    expect(apart.rows.length).toBeGreaterThan(0);

    const again = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: stranger });
    const approved = await operator.call('POST', `/api/admin/person-link-requests/${again.body.requestId}/decision`, { approve: true });
    expect(approved.body).toMatchObject({ status: 'approved', linkId: expect.any(Number) });
    const merged = await network.stores.identity.query('SELECT 1 FROM enrollments WHERE person_id = $1', [stranger]);
    expect(merged.rows).toHaveLength(0);
    await identifyAtDesk(clerk, network, kept);
    expect((await clerk.call('POST', '/api/desk/persons/unlink', { linkId: approved.body.linkId })).status).toBe(200);
    await Promise.all([clerk.close(), operator.close()]);
  });

  it('refuses to link a person with itself, persons that differ in consent, and anyone but desk staff', async () => {
    await sameIdentity();
    const clerk = await Client.signedIn(server, network, 'clerk');
    await identifyBoth(clerk);
    expect((await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: kept })).status).toBe(404);
    const unknown = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('person-not-found');
    await clerk.call('POST', '/api/desk/consent', { card, withdrawn: true });
    const differs = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other });
    expect(differs.status).toBe(409);
    expect(differs.body.error.message).toContain('同意');
    await clerk.call('POST', '/api/desk/consent', { card, withdrawn: false });
    await clerk.close();

    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await doctor.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other })).status).toBe(403);
    await doctor.close();
    const { rows } = await network.stores.clinical.query<{ action: string; outcome: string }>("SELECT action, outcome FROM audit_events WHERE action LIKE 'person.%'");
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(expect.arrayContaining(['person.link:refused']));
  });
});
