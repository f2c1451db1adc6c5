import { readQrCode } from '@renkei/documents/testing';
import { decryptField } from '@renkei/identity';
import { testEngines } from '@renkei/store/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startServer, type RunningServer, type TestNetwork } from '../src/testing.js';

describe.each(testEngines())('cards at the desk on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let patient: { personId: string; insurerNumber: string; symbol: string; number: string; birthDate: string; kana: string; name: string };
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startServer(network);
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
    const response = await request(`${server.url}/api/desk/cards`, { dispatcher: client.agent, method: 'POST', headers: { cookie: client.cookieHeader(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const pdf = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, cardNumber: response.headers['x-card-number'] as string, pdf };
  };

  it('finds the person by insurance card or by kana name, issues a card whose printed QR code opens their history, reissues and revokes it', async () => {
    const clerk = await Client.terminal(server, network);
    await clerk.login(network, 'clerk');
    const byCard = await clerk.call('POST', '/api/desk/persons/search', { insurerNumber: patient.insurerNumber, symbol: patient.symbol, number: patient.number, birthDate: patient.birthDate });
    expect(byCard.body.candidates).toEqual([expect.objectContaining({ personId: patient.personId, name: patient.name, birthDate: patient.birthDate, activeCards: 0 })]);
    // Candidates carry who the person is, never what is in their history.
    expect(Object.keys(byCard.body.candidates[0]).sort()).toEqual(['activeCards', 'birthDate', 'insurers', 'kana', 'myNumberBound', 'name', 'personId', 'sex']);
    const hiragana = patient.kana.replace(/[\u30a1-\u30f6]/g, (k) => String.fromCharCode(k.charCodeAt(0) - 0x60));
    expect((await clerk.call('POST', '/api/desk/persons/search', { kana: hiragana, birthDate: patient.birthDate })).body.candidates.map((c: { personId: string }) => c.personId)).toContain(patient.personId);
    expect((await clerk.call('POST', '/api/desk/persons/search', { insurerNumber: patient.insurerNumber, symbol: patient.symbol, number: patient.number, birthDate: '1900-01-01' })).body.candidates).toEqual([]);
    expect((await clerk.call('POST', '/api/desk/persons/search', { birthDate: patient.birthDate })).status).toBe(400);

    const first = await issue(clerk, { personId: patient.personId });
    expect(first.status).toBe(200);
    const firstQr = readQrCode(first.pdf)!;
    expect(firstQr).toContain(first.cardNumber);

    const doctor = await Client.terminal(server, network);
    await doctor.login(network, 'doctor');
    expect((await doctor.call('POST', '/api/patient-access', { card: firstQr })).status).toBe(201);

    // Reissue: the old card stops at once, with a clear message; the new one opens.
    const second = await issue(clerk, { personId: patient.personId, replacing: first.cardNumber });
    const secondQr = readQrCode(second.pdf)!;
    const old = await doctor.call('POST', '/api/patient-access', { card: firstQr });
    expect(old.status).toBe(403);
    expect(old.body.error).toMatchObject({ code: 'card-replaced', message: expect.stringContaining('再発行') });
    expect((await doctor.call('POST', '/api/patient-access', { card: secondQr })).status).toBe(201);

    // Reported lost: revoked at once; a replaced card cannot be brought back.
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: second.cardNumber, status: 'revoked' })).status).toBe(200);
    expect((await doctor.call('POST', '/api/patient-access', { card: secondQr })).body.error.code).toBe('card-revoked');
    // At the desk too: the revoked card identifies nobody, and the desk is told to reissue.
    const atDesk = await clerk.call('POST', '/api/desk/access-log', { card: secondQr });
    expect(atDesk.status).toBe(403);
    expect(atDesk.body.error).toMatchObject({ code: 'card-revoked', message: expect.stringContaining('再発行') });
    expect((await clerk.call('POST', '/api/desk/cards/status', { cardNumber: first.cardNumber, status: 'active' })).status).toBe(404);
    await Promise.all([clerk.close(), doctor.close()]);

    const { rows } = await network.stores.clinical.query<{ action: string }>("SELECT action FROM audit_events WHERE action LIKE 'card.%' OR action = 'desk.person.search' ORDER BY id");
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['desk.person.search', 'card.issue', 'card.reissue', 'card.revoke']));
  });

  it('lets no doctor issue cards, and refuses a reissue of someone else\'s card', async () => {
    const doctor = await Client.terminal(server, network);
    await doctor.login(network, 'doctor');
    expect((await issue(doctor, { personId: patient.personId })).status).toBe(403);
    await doctor.close();
    const clerk = await Client.terminal(server, network);
    await clerk.login(network, 'clerk');
    const someoneElses = network.credentials.cards[0]!.qr.split('-')[1]!;
    expect((await issue(clerk, { personId: patient.personId, replacing: someoneElses })).status).toBe(404);
    expect((await issue(clerk, { personId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    await clerk.close();
  });
});
