import { createUser } from '@renkei/access';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const READER = 'demo-doctor-pages';

describe.each(testEngines())('the exchange boxes a page at a time on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let reader: Client;

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    const hospital = demoUser(network, 'demo-doctor').facility!;
    const clinic = demoUser(network, 'demo-clinic-doctor').facility!;
    await createUser(network.stores.identity, { id: READER, displayName: '琴平 三郎（医師）', role: 'doctor', facilityCode: hospital, password: 'pages-doctor-password' });
    network.credentials.users.push({ id: READER, password: 'pages-doctor-password', role: 'doctor', facility: hospital });
    // 250 items to the reader and 250 from them. Ten items share each second,
    // and half of those sit a microsecond earlier (the same millisecond, as a
    // JavaScript Date would have it): a cursor must neither skip nor repeat them.
    const at = (i: string) => `timestamptz '2026-11-30T09:00:00Z' - (${i} / 10) * interval '1 second' - (${i} % 10 / 5) * interval '1 microsecond'`;
    const insert = (from: string, fromUser: string, to: string, toUser: string, status: string) =>
      network.stores.clinical.query(
        `INSERT INTO exchange_items (id, kind, status, from_facility, from_user, to_facility, to_user, to_liaison, subject, body, urgency, created_at, sent_at, delete_on)
         SELECT gen_random_uuid(), 'share', $5, $1, $2, $3, $4, false, '経過のご報告 ' || i, '本文', 'normal', ${at('i')}, CASE WHEN $5 = 'draft' THEN NULL ELSE ${at('i')} END, date '2027-11-30'
         FROM generate_series(0, 249) i`,
        [from, fromUser, to, toUser, status],
      );
    await insert(clinic, 'demo-clinic-doctor', hospital, READER, 'sent');
    await insert(hospital, READER, clinic, 'demo-clinic-doctor', 'received');
    server = await startInjectedServer(network);
    reader = await Client.terminal(server, network, hospital);
    expect((await reader.call('POST', '/api/login', { userId: READER, password: 'pages-doctor-password' })).status).toBe(200);
  });
  afterAll(async () => {
    await reader?.close();
    await server?.close();
    await network?.close();
  });

  /** Every page of a box, following `next` to its end. */
  const pages = async (box: string, limit?: number) => {
    const read: Array<{ items: Array<{ id: string }>; next?: string }> = [];
    let after: string | undefined;
    do {
      const query = new URLSearchParams({ box, ...(limit ? { limit: String(limit) } : {}), ...(after ? { after } : {}) });
      const reply = await reader.call('GET', `/api/exchanges?${query}`);
      expect(reply.status).toBe(200);
      read.push(reply.body);
      after = reply.body.next;
    } while (after && read.length < 200);
    return read;
  };
  /** The box's order as the database has it: newest first, ties by id. */
  const expected = async (where: string, order: string) =>
    (await network.stores.clinical.query<{ id: string }>(`SELECT id FROM exchange_items WHERE ${where} ORDER BY ${order} DESC, id DESC`, [READER])).rows.map((r) => r.id);

  it('hands out 100 items a page by default, newest first, and says where to go on until the box ends', async () => {
    const read = await pages('inbox');
    expect(read.map((p) => p.items.length)).toEqual([100, 100, 50]);
    expect(read.map((p) => p.next === undefined)).toEqual([false, false, true]);
    expect(read.flatMap((p) => p.items.map((i) => i.id))).toEqual(await expected("to_user = $1 AND status <> 'draft'", 'sent_at'));
  });

  it('neither skips nor repeats items that share a time, in each box and across the two directions of the facility list', async () => {
    const boxes = [
      ['inbox', "to_user = $1 AND status <> 'draft'", 'sent_at'],
      ['outbox', 'from_user = $1', 'created_at'],
      ['facility', "from_user = $1 OR (to_user = $1 AND status <> 'draft')", 'created_at'],
    ] as const;
    for (const [box, where, order] of boxes) {
      const read = await pages(box, 7);
      const ids = read.flatMap((p) => p.items.map((i) => i.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(await expected(where, order));
      expect(read.slice(0, -1).every((p) => p.items.length === 7)).toBe(true);
    }
    expect((await pages('facility', 500)).map((p) => p.items.length)).toEqual([500]);
  });

  it('refuses a cursor it did not hand out, and a page size out of range, with a code', async () => {
    const forged = [
      'not a cursor',
      Buffer.from('2026-11-30T09:00:00.000000Z|not-a-uuid').toString('base64url'),
      Buffer.from('yesterday|00000000-0000-4000-8000-000000000000').toString('base64url'),
      Buffer.from("2026-11-30T09:00:00.000000Z|00000000-0000-4000-8000-000000000000' OR 1=1").toString('base64url'),
    ];
    for (const after of forged) {
      const reply = await reader.call('GET', `/api/exchanges?box=inbox&after=${encodeURIComponent(after)}`);
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: 'bad-cursor' });
    }
    for (const limit of ['0', '501', 'many']) {
      const reply = await reader.call('GET', `/api/exchanges?box=inbox&limit=${limit}`);
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: 'bad-request' });
    }
    const trail = (await network.stores.clinical.query<{ detail: { reason?: string } }>("SELECT detail FROM audit_events WHERE action = 'exchange.list' AND outcome = 'refused' AND actor = $1 ORDER BY id", [READER])).rows;
    expect(trail.map((r) => r.detail.reason)).toEqual([...forged.map(() => 'bad-cursor'), 'bad-request', 'bad-request', 'bad-request']);
  });
});
