/**
 * npm run bench:exchanges -- [--items 100000] [--seconds 20] [--concurrency 32]
 *
 * Loads N exchange items (reading requests, referrals, progress reports and
 * shares from a clinic to 32 doctors of a hospital, their patients in the
 * identity store) into PostgreSQL (IDENTITY_DATABASE_URL /
 * CLINICAL_DATABASE_URL: empty databases; else two databases of its own on
 * RENKEI_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres,
 * dropped at the end), creates and reports a few through the API, starts `renkei serve` in
 * production mode, and has C clients, each a doctor with their own session on
 * the hospital's terminal, for S seconds each: list their inbox, open items of
 * it, list both directions (施設の一覧), and print reports as PDF. Then
 * retention deletes every item, timed. Prints progress, then one JSON line:
 * {"items","inboxP95Ms","facilityBoxP95Ms","openP95Ms","reportPdfP95Ms","retentionItemsPerSecond"}
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createUser, operatorProcessContext } from '@renkei/access';
import { AuditLog } from '@renkei/audit';
import { benchDatabases, benchLog, loginAt, percentile, positive, runBench, startRenkeiServe } from '@renkei/bench-kit';
import { seedDemoNetwork } from '@renkei/demo';
import { runRetention } from '@renkei/exchange';
import { encryptField } from '@renkei/identity';
import { loadServerKeys, openStores, type RenkeiConfig } from '@renkei/store';
import { Agent, request } from 'undici';

const log = benchLog('exchanges');
const PASSWORD = 'bench-exchanges-password-0123';
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '受付', form: 'written' };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '20' }, concurrency: { type: 'string', default: '32' } } });
  const items = positive(values.items, '--items');
  const seconds = positive(values.seconds, '--seconds');
  const concurrency = positive(values.concurrency, '--concurrency');

  const { config, dataDir, drop } = await benchDatabases('exchanges', { postgres: true });
  try {
    await run(config, dataDir, { items, seconds, concurrency });
  } finally {
    await drop();
  }
}

async function run(config: RenkeiConfig, dataDir: string, { items, seconds, concurrency }: { items: number; seconds: number; concurrency: number }): Promise<void> {
  const keys = await loadServerKeys(config);
  let stores = await openStores(config);
  let credentials;
  let hospital: string;
  let clinic: string;
  try {
    if (Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM exchange_items')).rows[0]!.n) > 0) throw new Error('the database holds exchange items already: give empty databases');
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: 0 });
    hospital = credentials.users.find((u) => u.id === 'demo-doctor')!.facility!;
    clinic = credentials.users.find((u) => u.id === 'demo-clinic-doctor')!.facility!;
    for (let i = 0; i < concurrency; i++) await createUser(stores.identity, { id: `bench-doctor-${i}`, displayName: `読影医 ${i}`, role: 'doctor', facilityCode: hospital, password: PASSWORD });
    const started = performance.now();
    const enc = (text: string) => encryptField(keys.encryption, text);
    await stores.identity.query(
      `INSERT INTO exchange_patients (item_id, facility_code, name_enc, kana_enc, sex, birth_date_enc, patient_id_enc, patient_key, name_key, kana_key, consent_on, consent_by, consent_obtained_by, consent_form, delete_on)
       SELECT md5('bench' || g)::uuid, $1, $2, $3, 'female', $4, $5, decode(md5('p' || g), 'hex'), decode(md5('n' || g), 'hex'), decode(md5('k' || g), 'hex'),
              DATE '2026-12-01', 'patient', '受付', 'written', CURRENT_DATE + 365
         FROM generate_series(1, $6) g`,
      [clinic, enc('仁尾 春子'), enc('ニオ ハルコ'), enc('1948-03-09'), enc('C-000123'), items],
    );
    await stores.clinical.query(
      `INSERT INTO exchange_items (id, kind, status, from_facility, from_user, to_facility, to_user, to_liaison, subject, body, urgency, reply_by, studies, created_at, sent_at, delete_on, letter_sha256, letter_parties)
       SELECT md5('bench' || g)::uuid, (ARRAY['reading','referral','progress','share'])[1 + g % 4], (ARRAY['sent','received','accepted','final'])[1 + (g / 4) % 4],
              $1, 'demo-clinic-doctor', $2, 'bench-doctor-' || (g % $4), false, '胸部CT 読影のお願い ' || g, '2週間続く咳嗽。肺野の結節影の評価をお願いします。',
              CASE WHEN g % 10 = 0 THEN 'urgent' ELSE 'normal' END, CASE WHEN g % 10 = 0 THEN now() + interval '2 days' END,
              ARRAY['1.2.392.200036.9116.2.6.1.48.' || g], now() - make_interval(secs => g * 30), now() - make_interval(secs => g * 30), CURRENT_DATE + 365,
              repeat('0', 64), '{"from":{"facilityName":"診療所","userName":"医師"},"to":{"facilityName":"病院","userName":null},"networkName":"Renkei"}'::jsonb
         FROM generate_series(1, $3) g`,
      [clinic, hospital, items, concurrency],
    );
    await stores.clinical.exec('ANALYZE exchange_items');
    await stores.identity.exec('ANALYZE exchange_patients');
    log(`loaded ${items} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await stores.close();
  }

  const server = await startRenkeiServe(dataDir);
  let inbox: number[] = [];
  let facilityBox: number[] = [];
  let open: number[] = [];
  let reportPdf: number[] = [];
  try {
    const caPem = await readFile(credentials.caCert, 'utf8');
    const terminalOf = (facility: string) => credentials.terminals.find((t) => t.facility === facility)!;
    const agentAt = async (facility: string) => {
      const t = terminalOf(facility);
      return new Agent({ connect: { ca: caPem, pfx: await readFile(t.p12), passphrase: t.password }, connections: concurrency * 2, pipelining: 1 });
    };
    const hospitalAgent = await agentAt(hospital);
    const clinicAgent = await agentAt(clinic);
    const base = server.url;
    const login = (agent: Agent, userId: string, password: string) => loginAt(base, agent, userId, password);
    const call = async (agent: Agent, cookie: string, method: 'GET' | 'POST', url: string, body?: unknown) => {
      const r = await request(`${base}${url}`, { dispatcher: agent, method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const bytes = Buffer.from(await r.body.arrayBuffer());
      return { status: r.statusCode, bytes };
    };

    // Two real requests to each doctor through the API, reported by them: the PDFs printed below.
    const clinicDoctor = credentials.users.find((u) => u.id === 'demo-clinic-doctor')!;
    const clinicCookie = await login(clinicAgent, clinicDoctor.id, clinicDoctor.password);
    const clients: Array<{ id: string; cookie: string; reported: string[]; inbox: string[] }> = [];
    for (let i = 0; i < concurrency; i++) clients.push({ id: `bench-doctor-${i}`, cookie: await login(hospitalAgent, `bench-doctor-${i}`, PASSWORD), reported: [], inbox: [] });
    for (const client of clients) {
      for (let k = 0; k < 2; k++) {
        const created = await call(clinicAgent, clinicCookie, 'POST', 'api/exchanges', {
          kind: 'reading',
          to: { facility: hospital, userId: client.id },
          patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: `C-${k}` },
          consent,
          subject: '胸部CT 読影のお願い',
          body: '2週間続く咳嗽。\n肺野の結節影の評価をお願いします。',
        });
        if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.bytes}`);
        const id = JSON.parse(created.bytes.toString()).id as string;
        const reported = await call(hospitalAgent, client.cookie, 'POST', `api/exchanges/${id}/report`, { findings: '右上葉に 8 mm の充実性結節。'.repeat(5), impression: '肺癌の疑い。精査を勧めます。' });
        if (reported.status !== 200) throw new Error(`report answered ${reported.status}: ${reported.bytes}`);
        client.reported.push(id);
      }
      const listed = await call(hospitalAgent, client.cookie, 'GET', 'api/exchanges?box=inbox');
      client.inbox = (JSON.parse(listed.bytes.toString()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    }
    log(`${concurrency} doctors logged in, each with ${clients[0]!.inbox.length} items in the inbox's first page and 2 reports`);

    const measure = async (name: string, run: (client: (typeof clients)[number], n: number) => Promise<boolean>) => {
      const latencies: number[] = [];
      let errors = 0;
      const warmUntil = performance.now() + 2000;
      const endAt = warmUntil + seconds * 1000;
      await Promise.all(
        clients.map(async (client, i) => {
          let n = i;
          while (performance.now() < endAt) {
            const t0 = performance.now();
            const ok = await run(client, n++).catch(() => false);
            const t1 = performance.now();
            if (t0 >= warmUntil) {
              if (ok) latencies.push(t1 - t0);
              else errors++;
            }
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      log(`${name}: ${latencies.length} requests, p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, ${errors} errors`);
      if (errors > 0) throw new Error(`${name}: ${errors} requests failed`);
      return latencies;
    };
    inbox = await measure('inbox', async (c) => (await call(hospitalAgent, c.cookie, 'GET', 'api/exchanges?box=inbox')).status === 200);
    // Both directions at once (施設の一覧), the list that merges two indexes.
    facilityBox = await measure('facility box', async (c) => (await call(hospitalAgent, c.cookie, 'GET', 'api/exchanges?box=facility')).status === 200);
    open = await measure('open', async (c, n) => (await call(hospitalAgent, c.cookie, 'GET', `api/exchanges/${c.inbox[n % c.inbox.length]}`)).status === 200);
    reportPdf = await measure('report PDF', async (c, n) => (await call(hospitalAgent, c.cookie, 'GET', `api/exchanges/${c.reported[n % 2]}/report.pdf`)).status === 200);
    await hospitalAgent.close();
    await clinicAgent.close();
  } finally {
    await server.stop();
  }

  // Retention: every item due today, deleted with its patient.
  stores = await openStores(config);
  let retentionItemsPerSecond: number;
  try {
    await stores.clinical.exec('ALTER TABLE exchange_items DISABLE TRIGGER exchange_items_sent_unchanged; UPDATE exchange_items SET delete_on = CURRENT_DATE - 1; ALTER TABLE exchange_items ENABLE TRIGGER exchange_items_sent_unchanged');
    await stores.identity.exec('UPDATE exchange_patients SET delete_on = CURRENT_DATE - 1');
    const audit = new AuditLog(stores, keys);
    const started = performance.now();
    const result = await runRetention({ stores, audit }, operatorProcessContext('bench'));
    const secondsTaken = (performance.now() - started) / 1000;
    await audit.stop();
    retentionItemsPerSecond = Math.round(result.deletedItems / secondsTaken);
    log(`retention deleted ${result.deletedItems} items in ${secondsTaken.toFixed(1)} s`);
  } finally {
    await stores.close();
  }
  console.log(JSON.stringify({ items, inboxP95Ms: percentile(inbox, 95), facilityBoxP95Ms: percentile(facilityBox, 95), openP95Ms: percentile(open, 95), reportPdfP95Ms: percentile(reportPdf, 95), retentionItemsPerSecond }));
}

runBench('exchanges', main);
