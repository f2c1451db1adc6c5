import { decryptField } from '@renkei/identity';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, insuranceCardOf, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('the desk\'s card holder and working cards on %s', (engine) => {
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

  const holderOf = async (cardNumber: string) => {
    const { rows } = await network.stores.identity.query<{ person_id: string; name_enc: Uint8Array; birth_date_enc: Uint8Array }>(
      'SELECT c.person_id, n.name_enc, p.birth_date_enc FROM cards c JOIN persons p ON p.id = c.person_id JOIN person_names n ON n.person_id = p.id WHERE c.card_number = $1',
      [cardNumber],
    );
    return { personId: rows[0]!.person_id, name: decryptField(network.keys.encryption, rows[0]!.name_enc), birthDate: decryptField(network.keys.encryption, rows[0]!.birth_date_enc) };
  };

  it('names the holder of the card in hand, to confirm before acting, and audits it; a made-up card and a clinician are refused', async () => {
    const card = network.credentials.cards[0]!.qr;
    const holder = await holderOf(card.split('-')[1]!);
    const clerk = await Client.signedIn(server, network, 'clerk');
    const named = await clerk.call('POST', '/api/desk/card-holder', { card });
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ name: holder.name, birthDate: holder.birthDate, sex: expect.stringMatching(/^(male|female)$/) });
    expect(Object.keys(named.body).sort()).toEqual(['birthDate', 'kana', 'name', 'sex']);
    const madeUp = await clerk.call('POST', '/api/desk/card-holder', { card: 'RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(madeUp.status).toBe(404);
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await doctor.call('POST', '/api/desk/card-holder', { card })).status).toBe(403);
    const audit = await network.stores.clinical.query<{ outcome: string }>("SELECT outcome FROM audit_events WHERE action = 'desk.card-holder' AND actor = 'demo-clerk' ORDER BY id");
    expect(audit.rows.map((r) => r.outcome)).toEqual(['allowed', 'refused']);
    await Promise.all([clerk.close(), doctor.close()]);
  });

  it('answers each candidate of the identity check with their working card, so that a lost one can be stopped by its number', async () => {
    const cardNumber = network.credentials.cards[1]!.qr.split('-')[1]!;
    const { personId } = await holderOf(cardNumber);
    const clerk = await Client.signedIn(server, network, 'clerk');
    const found = await clerk.call('POST', '/api/desk/persons/search', await insuranceCardOf(network, personId));
    expect(found.body.candidates.find((c: { personId: string }) => c.personId === personId)).toMatchObject({ workingCard: { cardNumber, status: 'active' } });
    expect((await clerk.call('POST', '/api/desk/cards/status', { status: 'suspended', cardNumber, personId })).status).toBe(200);
    const again = await clerk.call('POST', '/api/desk/persons/search', await insuranceCardOf(network, personId));
    expect(again.body.candidates.find((c: { personId: string }) => c.personId === personId)).toMatchObject({ workingCard: { cardNumber, status: 'suspended' } });
    const none = (await network.stores.identity.query<{ id: string }>('SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) LIMIT 1')).rows[0]!.id;
    const without = await clerk.call('POST', '/api/desk/persons/search', await insuranceCardOf(network, none));
    expect(without.body.candidates.find((c: { personId: string }) => c.personId === none)).toMatchObject({ workingCard: null });
    await clerk.close();
  });
});
