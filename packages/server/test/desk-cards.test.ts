import { readQrCode } from '@renkei/documents/testing';
import { decryptField } from '@renkei/identity';
import { testEngines } from '@renkei/store/testing';
import { createUser } from '@renkei/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, identifyAtDesk, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('cards at the desk on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let patient: { personId: string; insurerNumber: string; symbol: string; number: string; birthDate: string; kana: string; name: string };
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
    // A patient the claims know, with the details their insurance card shows.
    const { rows } = await network.stores.identity.query<{ person_id: string; insurer_number: string; symbol_enc: Uint8Array; number_enc: Uint8Array; birth_date_enc: Uint8Array; kana_enc: Uint8Array; name_enc: Uint8Array }>(
      `SELECT e.person_id, e.insurer_number, e.symbol_enc, e.number_enc, p.birth_date_enc, n.kana_enc, n.name_enc
         FROM enrollments e JOIN persons p ON p.id = e.person_id JOIN person_names n ON n.person_id = p.id
        WHERE n.kana_enc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) LIMIT 1`,
    );
    const r = rows[0]!;
    const key = network.keys.encryption;
    patient = { personId: r.person_id, insurerNumber: r.insurer_number, symbol: decryptField(key, r.symbol_enc), number: decryptField(key, r.number_enc), birthDate: decryptField(key, r.birth_date_enc), kana: decryptField(key, r.kana_enc), name: decryptField(key, r.name_enc) };
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const issue = async (client: Client, body: object) => {
    const response = await client.call('POST', '/api/desk/cards', body);
    return { status: response.status, cardNumber: response.headers['x-card-number'] as string, pdf: response.raw, body: response.body };
  };

  it('finds the person by insurance card or by kana name, issues a card whose printed QR code opens their history, reissues and revokes it', async () => {
    const clerk = await Client.signedIn(server, network, 'clerk');
    // Before the identity check, the desk can do nothing for the person.
    expect((await issue(clerk, { personId: patient.personId, identityDocument: 'health-insurance-card' })).status).toBe(404);
    const byCard = await clerk.call('POST', '/api/desk/persons/search', { insurerNumber: patient.insurerNumber, symbol: patient.symbol, number: patient.number, birthDate: patient.birthDate });
    expect(byCard.body.candidates).toEqual([expect.objectContaining({ personId: patient.personId, name: patient.name, birthDate: patient.birthDate, activeCards: 0 })]);
    // Candidates carry who the person is and the card that works for them (to stop a lost one), never what is in their history.
    expect(Object.keys(byCard.body.candidates[0]).sort()).toEqual(['activeCards', 'birthDate', 'insurers', 'kana', 'myNumberBound', 'name', 'personId', 'sex', 'workingCard']);
    const hiragana = patient.kana.replace(/[\u30a1-\u30f6]/g, (k) => String.fromCharCode(k.charCodeAt(0) - 0x60));
    expect((await clerk.call('POST', '/api/desk/persons/search', { kana: hiragana, birthDate: patient.birthDate })).body.candidates.map((c: { personId: string }) => c.personId)).toContain(patient.personId);
    expect((await clerk.call('POST', '/api/desk/persons/search', { insurerNumber: patient.insurerNumber, symbol: patient.symbol, number: patient.number, birthDate: '1900-01-01' })).body.candidates).toEqual([]);
    expect((await clerk.call('POST', '/api/desk/persons/search', { birthDate: patient.birthDate })).status).toBe(400);

    // The identity document checked is part of the issue.
    expect((await issue(clerk, { personId: patient.personId })).status).toBe(400);
    const first = await issue(clerk, { personId: patient.personId, identityDocument: 'my-number-insurance-card' });
    expect(first.status).toBe(200);
    const firstQr = readQrCode(first.pdf)!;
    expect(firstQr).toContain(first.cardNumber);
    const stored = await network.stores.identity.query<{ issued_by: string; issued_at_facility: string; identity_document: string }>('SELECT issued_by, issued_at_facility, identity_document FROM cards WHERE card_number = $1', [first.cardNumber]);
    expect(stored.rows[0]).toEqual({ issued_by: 'demo-clerk', issued_at_facility: demoUser(network, 'clerk').facility, identity_document: 'my-number-insurance-card' });

    const doctor = await Client.signedIn(server, network, 'doctor');
    const openedWithFirst = await doctor.call('POST', '/api/patient-access', { card: firstQr });
    expect(openedWithFirst.status).toBe(201);

    // A person holds one working card: a new card stops the old one at once (and what it opened), with a clear message.
    const second = await issue(clerk, { personId: patient.personId, identityDocument: 'health-insurance-card' });
    const secondQr = readQrCode(second.pdf)!;
    const old = await doctor.call('POST', '/api/patient-access', { card: firstQr });
    expect(old.status).toBe(403);
    expect(old.body.error).toMatchObject({ code: 'card-replaced', message: expect.stringContaining('再発行') });
    expect((await doctor.call('GET', `/api/patient-access/${openedWithFirst.body.accessId}/summary`)).status).toBe(404);
    expect((await doctor.call('POST', '/api/patient-access', { card: secondQr })).status).toBe(201);

    // Reported lost: revoked by its number for the person found; a replaced card cannot be brought back.
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: second.cardNumber, status: 'revoked' })).status).toBe(400);
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: second.cardNumber, personId: patient.personId, status: 'revoked' })).status).toBe(200);
    expect((await doctor.call('POST', '/api/patient-access', { card: secondQr })).body.error.code).toBe('card-revoked');
    // At the desk too: the revoked card identifies nobody, and the desk is told to reissue.
    const atDesk = await clerk.call('POST', '/api/desk/access-log', { card: secondQr });
    expect(atDesk.status).toBe(403);
    expect(atDesk.body.error).toMatchObject({ code: 'card-revoked', message: expect.stringContaining('再発行') });
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: first.cardNumber, personId: patient.personId, status: 'active' })).status).toBe(404);
    // Found again, it can be reactivated with the card in hand.
    expect((await clerk.call('POST', '/api/desk/cards/status', { card: secondQr, status: 'active' })).status).toBe(200);

    // The patient's access log lists the cards issued for them, with the facility.
    const log = (await clerk.call('POST', '/api/desk/access-log', { card: secondQr })).body.entries as Array<{ action: string; facilityCode: string | null }>;
    expect(log.filter((e) => e.action === 'card.issue' || e.action === 'card.reissue').map((e) => `${e.action}@${e.facilityCode}`)).toEqual([
      `card.reissue@${demoUser(network, 'clerk').facility}`,
      `card.issue@${demoUser(network, 'clerk').facility}`,
    ]);
    await Promise.all([clerk.close(), doctor.close()]);

    const { rows } = await network.stores.clinical.query<{ action: string; detail: Record<string, unknown> }>("SELECT action, detail FROM audit_events WHERE action LIKE 'card.%' OR action = 'desk.person.search' ORDER BY id");
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['desk.person.search', 'card.issue', 'card.reissue', 'card.revoke', 'card.reactivate']));
    // The clinical store's trail names cards by keyed hashes only: with a copy of the identity store, a number would link pseudonyms to persons.
    const trail = JSON.stringify(rows.map((r) => r.detail));
    for (const number of [first.cardNumber, second.cardNumber]) expect(trail).not.toContain(number);
  });

  it('lets no doctor issue cards, and no desk act on a person it has not found, or on another person\'s card', async () => {
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await issue(doctor, { personId: patient.personId, identityDocument: 'health-insurance-card' })).status).toBe(403);
    await doctor.close();
    const clerk = await Client.signedIn(server, network, 'clerk');
    const someone = network.credentials.cards[0]!.qr.split('-')[1]!;
    const { rows } = await network.stores.identity.query<{ person_id: string }>('SELECT person_id FROM cards WHERE card_number = $1', [someone]);
    // Knowing a card number is not enough to suspend it: the person must be found first.
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: someone, personId: rows[0]!.person_id, status: 'suspended' })).status).toBe(404);
    await identifyAtDesk(clerk, network, patient.personId);
    // Found, the patient's own card may be changed; another person's card under their name may not.
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: someone, personId: patient.personId, status: 'suspended' })).status).toBe(404);
    expect((await issue(clerk, { personId: patient.personId, identityDocument: 'other', replacing: someone })).status).toBe(404);
    expect((await issue(clerk, { personId: '00000000-0000-4000-8000-000000000000', identityDocument: 'other' })).status).toBe(404);
    await clerk.close();
    const card = await network.stores.identity.query<{ status: string }>('SELECT status FROM cards WHERE card_number = $1', [someone]);
    expect(card.rows[0]!.status).toBe('active');
  });

  it('keeps a desk to its own facility: a pharmacy clerk cannot touch a hospital patient\'s card by its number', async () => {
    const pharmacy = network.credentials.terminals.find((t) => t.facility === demoUser(network, 'pharmacist').facility)!;
    await createUser(network.stores.identity, { id: 'pharmacy-clerk', displayName: '薬局 事務', role: 'clerk', facilityCode: pharmacy.facility, password: 'correct horse battery staple' });
    const clerk = Client.injected(server, pharmacy.serial);
    expect((await clerk.call('POST', '/api/login', { userId: 'pharmacy-clerk', password: 'correct horse battery staple' })).status).toBe(200);
    const hospitalCard = network.credentials.cards[1]!.qr.split('-')[1]!;
    const { rows } = await network.stores.identity.query<{ person_id: string }>('SELECT person_id FROM cards WHERE card_number = $1', [hospitalCard]);
    const refused = await clerk.call('POST', '/api/desk/cards/status', { cardNumber: hospitalCard, personId: rows[0]!.person_id, status: 'suspended' });
    expect(refused.status).toBe(404);
    const audit = await network.stores.clinical.query<{ outcome: string; facility: string }>("SELECT outcome, facility FROM audit_events WHERE action = 'card.suspend' AND actor = 'pharmacy-clerk'");
    expect(audit.rows).toEqual([{ outcome: 'refused', facility: pharmacy.facility }]);
    await clerk.close();
  });

  it('shows the operator a card issued and the history opened at once at one facility, for a person it has no claims for, until marked reviewed', async () => {
    // A person with no claims from the hospital: a card made there, and their history opened there the same day.
    const { rows } = await network.stores.identity.query<{ id: string }>('SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) ORDER BY p.id DESC LIMIT 20');
    const hospital = demoUser(network, 'clerk').facility!;
    const { hasClaimsFrom } = await import('@renkei/history');
    const { pseudonymsOfPerson } = await import('@renkei/identity');
    let stranger: string | undefined;
    for (const r of rows) if (!(await hasClaimsFrom(network.stores.clinical, await pseudonymsOfPerson(network.stores.identity, network.keys, r.id), hospital))) stranger = r.id;
    expect(stranger).toBeDefined();
    const clerk = await Client.signedIn(server, network, 'clerk');
    await identifyAtDesk(clerk, network, stranger!);
    const card = await issue(clerk, { personId: stranger!, identityDocument: 'other' });
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await doctor.call('POST', '/api/patient-access', { card: readQrCode(card.pdf)! })).status).toBe(201);

    const operator = await Client.signedIn(server, network, 'operator');
    const items = (await operator.call('GET', '/api/admin/reviews')).body.items as Array<{ itemId: string; kind: string; userId: string; facilityCode: string; reviewed: unknown }>;
    const item = items.find((i) => i.itemId === `card-then-opened:${card.cardNumber}`);
    expect(item).toMatchObject({ kind: 'card-then-opened', userId: 'demo-doctor', facilityCode: hospital, reviewed: null });
    expect((await operator.call('POST', `/api/admin/reviews/${encodeURIComponent(item!.itemId)}`, { note: '本人来院を施設に確認' })).status).toBe(200);
    const again = (await operator.call('GET', '/api/admin/reviews')).body.items.find((i: { itemId: string }) => i.itemId === item!.itemId);
    expect(again.reviewed).toMatchObject({ by: 'demo-operator', note: '本人来院を施設に確認' });
    // Only the operator sees the list.
    expect((await clerk.call('GET', '/api/admin/reviews')).status).toBe(403);
    await Promise.all([clerk.close(), doctor.close(), operator.close()]);
  });
});
