/**
 * npm run bench:summary -- --persons N [--seconds S] [--concurrency C] [--cards K]
 *
 * Loads N generated persons (12 months of claims) into the configured database
 * (IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL, else PGlite in a directory of
 * its own), seeds the demo network (CA, terminal certificate, users, K cards),
 * starts `renkei serve` in production mode, and has C clients, each a doctor
 * of their own (a new login ends the user's other sessions) with the terminal
 * certificate and a logged-in session, read patient summaries
 * over HTTPS for S seconds, one request after another. Data already loaded for
 * the same N is reused. Prints progress, then one JSON line:
 * {"persons","events","concurrency","requests","rps","p50Ms","p95Ms","p99Ms","errors"}
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { benchDatabases, benchLog, loadClaimsOnce, loginAt, percentile, positive, round, runBench, startRenkeiServe } from '@renkei/bench-kit';
import { createUser } from '@renkei/access';
import { seedDemoNetwork } from '@renkei/demo';
import { loadServerKeys, openStores } from '@renkei/store';
import { Agent, request } from 'undici';

const log = benchLog('summary');
const PASSWORD = 'bench-summary-password-0123';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '32' },
      cards: { type: 'string', default: '1000' },
    },
  });
  const persons = positive(values.persons, '--persons');
  const seconds = positive(values.seconds, '--seconds');
  const concurrency = positive(values.concurrency, '--concurrency');
  const cardCount = positive(values.cards, '--cards');

  const { config, dataDir } = await benchDatabases('summary', { keepFor: String(persons) });

  // Load and seed in this process, then close: PGlite belongs to one process, and the server is the next one.
  const keys = await loadServerKeys(config);
  let stores = await openStores(config);
  let credentials;
  let events: number;
  try {
    await loadClaimsOnce(stores, keys, dataDir, { persons, months: 12, log });
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: cardCount });
    // One doctor per client, at the demo doctor's facility; those of an earlier run are kept.
    const facility = credentials.users.find((u) => u.role === 'doctor')!.facility!;
    const existing = new Set((await stores.identity.query<{ id: string }>("SELECT id FROM users WHERE id LIKE 'bench-doctor-%'")).rows.map((r) => r.id));
    for (let i = 0; i < concurrency; i++) {
      if (!existing.has(`bench-doctor-${i}`)) await createUser(stores.identity, { id: `bench-doctor-${i}`, displayName: `医師 ${i}`, role: 'doctor', facilityCode: facility, password: PASSWORD });
    }
    events = Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
  } finally {
    await stores.close();
  }
  stores = undefined as never;

  const server = await startRenkeiServe(dataDir);
  try {
    const caPem = await readFile(credentials.caCert, 'utf8');
    const pfx = await readFile(credentials.terminal.p12);
    const agent = new Agent({ connect: { ca: caPem, pfx, passphrase: credentials.terminal.password }, connections: concurrency * 2, pipelining: 1 });
    const base = server.url;
    // Data loaded by an earlier run keeps the cards it was seeded with (--cards applies to a first load only).
    if (credentials.cards.length < concurrency) {
      throw new Error(`${credentials.cards.length} cards for ${concurrency} clients: every client needs one (load afresh with --cards ${concurrency} or more)`);
    }

    const login = (userId: string) => loginAt(base, agent, userId, PASSWORD);
    // Each client: its own doctor and session, and accesses opened by presenting cards (spread over all the cards).
    // Card read to first summary (what the doctor waits for) is timed on the way, all clients at once.
    const cardToSummary: number[] = [];
    let summaryBytes = 0;
    const clients = await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const cookie = await login(`bench-doctor-${i}`);
        const accesses: string[] = [];
        for (let c = i; c < credentials.cards.length; c += concurrency) {
          const t0 = performance.now();
          const opened = await request(`${base}api/patient-access`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ card: credentials.cards[c]!.qr }) });
          const body = (await opened.body.json()) as { accessId: string };
          if (opened.statusCode !== 201) throw new Error(`presenting a card answered ${opened.statusCode}`);
          const first = await request(`${base}api/patient-access/${body.accessId}/summary`, { dispatcher: agent, headers: { cookie } });
          summaryBytes += (await first.body.arrayBuffer()).byteLength;
          if (first.statusCode !== 200) throw new Error(`the first summary answered ${first.statusCode}`);
          cardToSummary.push(performance.now() - t0);
          accesses.push(body.accessId);
        }
        return { cookie, accesses };
      }),
    );
    cardToSummary.sort((a, b) => a - b);
    log(`${concurrency} clients logged in, ${cardToSummary.length} cards presented; card read to summary: p50 ${percentile(cardToSummary, 50)} ms, p95 ${percentile(cardToSummary, 95)} ms; a summary is ${round(summaryBytes / cardToSummary.length / 1024)} KB on average`);
    log(`reading summaries for ${seconds} s …`);

    const latencies: number[] = [];
    let errors = 0;
    const warmUntil = performance.now() + 2000;
    const endAt = warmUntil + seconds * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        let n = i;
        while (performance.now() < endAt) {
          const accessId = client.accesses[n++ % client.accesses.length]!;
          const t0 = performance.now();
          let ok = false;
          try {
            const response = await request(`${base}api/patient-access/${accessId}/summary`, { dispatcher: agent, headers: { cookie: client.cookie } });
            await response.body.arrayBuffer();
            ok = response.statusCode === 200;
          } catch {
            ok = false;
          }
          const t1 = performance.now();
          // Counted after the warm-up only; a failed request is an error, not a latency.
          if (t0 >= warmUntil) {
            if (ok) latencies.push(t1 - t0);
            else errors++;
          }
        }
      }),
    );
    await agent.close();
    latencies.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        persons,
        events,
        concurrency,
        requests: latencies.length,
        rps: Math.round(latencies.length / seconds),
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        p99Ms: percentile(latencies, 99),
        errors,
      }),
    );
  } finally {
    await server.stop();
  }
}

runBench('summary', main);
