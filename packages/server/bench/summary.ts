/**
 * npm run bench:summary -- --persons N [--seconds S] [--concurrency C] [--cards K]
 *
 * Loads N generated persons (12 months of claims) into the configured database
 * (IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL, else PGlite in a directory of
 * its own), seeds the demo network (CA, terminal certificate, users, K cards),
 * starts `renkei serve` in production mode, and has C clients, each with the
 * terminal certificate and its own logged-in session, read patient summaries
 * over HTTPS for S seconds, one request after another. Data already loaded for
 * the same N is reused. Prints progress, then one JSON line:
 * {"persons","events","concurrency","requests","rps","p50Ms","p95Ms","p99Ms","errors"}
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seedDemoClaims, seedDemoNetwork } from '@renkei/demo';
import { loadServerKeys, openStores, resolveConfig } from '@renkei/store';
import { Agent, request } from 'undici';

const cli = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));
const log = (message: string) => console.error(`[bench:summary] ${message}`);

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

  // A fixed secret, so that data loaded by an earlier run keeps its pseudonyms.
  process.env.RENKEI_SECRET ??= 'renkei-bench-summary-secret-0123456789abcdef';
  // One directory per database and size: the credentials it keeps belong to that database.
  const databases = resolveConfig({ dataDir: tmpdir() });
  const where = databases.clinicalDatabaseUrl ? createHash('sha1').update(`${databases.identityDatabaseUrl} ${databases.clinicalDatabaseUrl}`).digest('hex').slice(0, 8) : 'pglite';
  const dataDir = path.join(tmpdir(), `renkei-bench-summary-${where}-${persons}`);
  const config = resolveConfig({ dataDir });
  log(config.clinicalDatabaseUrl ? 'database: PostgreSQL (IDENTITY_DATABASE_URL, CLINICAL_DATABASE_URL)' : `database: PGlite in ${dataDir}`);

  // Load and seed in this process, then close: PGlite belongs to one process, and the server is the next one.
  const keys = await loadServerKeys(config);
  let stores = await openStores(config);
  let credentials;
  let events: number;
  try {
    const loaded = Number((await stores.identity.query<{ n: string }>('SELECT count(*) AS n FROM persons')).rows[0]!.n);
    if (loaded > 0 && !(await readFile(path.join(dataDir, 'demo', 'credentials.json')).catch(() => undefined))) {
      throw new Error('the database holds data of another run: give empty databases (or drop them)');
    }
    if (loaded === 0) {
      const started = performance.now();
      const claimsDir = path.join(dataDir, 'claims');
      await rm(claimsDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
      const result = await seedDemoClaims(stores, keys, claimsDir, {
        persons,
        months: 12,
        seed: 42,
        onStart: () => log(`generating and ingesting ${persons} persons × 12 months …`),
        onFile: (done, total) => done % 200 === 0 && log(`ingested ${done}/${total} files`),
      });
      await rm(claimsDir, { recursive: true, force: true });
      log(`loaded ${result.files} files in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      await stores.clinical.exec('ANALYZE');
      await stores.identity.exec('ANALYZE');
    } else {
      log(`reusing the ${loaded} persons already loaded`);
    }
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: cardCount });
    events = Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
  } finally {
    await stores.close();
  }
  stores = undefined as never;

  const server = await startServer(dataDir);
  try {
    const caPem = await readFile(credentials.caCert, 'utf8');
    const pfx = await readFile(credentials.terminal.p12);
    const agent = new Agent({ connect: { ca: caPem, pfx, passphrase: credentials.terminal.password }, connections: concurrency * 2, pipelining: 1 });
    const doctor = credentials.users.find((u) => u.role === 'doctor')!;
    const base = server.url;
    // Data loaded by an earlier run keeps the cards it was seeded with (--cards applies to a first load only).
    if (credentials.cards.length < concurrency) {
      throw new Error(`${credentials.cards.length} cards for ${concurrency} clients: every client needs one (load afresh with --cards ${concurrency} or more)`);
    }

    // Each client: its own session, and accesses opened by presenting cards (spread over all the cards).
    // Card read to first summary (what the doctor waits for) is timed on the way, all clients at once.
    const cardToSummary: number[] = [];
    let summaryBytes = 0;
    const clients = await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const login = await request(`${base}api/login`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: doctor.id, password: doctor.password }) });
        await login.body.dump();
        if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode}`);
        const cookie = [login.headers['set-cookie']].flat()[0]!.split(';')[0]!;
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
    log(`${concurrency} clients logged in, ${cardToSummary.length} cards presented; card read to summary: p50 ${round(cardToSummary[Math.floor(cardToSummary.length / 2)]!)} ms, p95 ${round(cardToSummary[Math.floor(cardToSummary.length * 0.95)]!)} ms; a summary is ${round(summaryBytes / cardToSummary.length / 1024)} KB on average`);
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
    const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
    console.log(
      JSON.stringify({
        persons,
        events,
        concurrency,
        requests: latencies.length,
        rps: Math.round(latencies.length / seconds),
        p50Ms: pct(50),
        p95Ms: pct(95),
        p99Ms: pct(99),
        errors,
      }),
    );
  } finally {
    server.stop();
  }
}

/** `renkei serve` in production mode on a free port, its log discarded. BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof) go to its node. */
async function startServer(dataDir: string): Promise<{ url: string; stop: () => void }> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, cli, '--data-dir', dataDir, 'serve', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Renkei: (https:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
      if (out.length > 1_000_000) out = out.slice(-1000);
    });
    child.on('exit', (code) => reject(new Error(`renkei serve exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

const round = (n: number) => Math.round(n * 10) / 10;


main().catch((error: unknown) => {
  console.error(`bench:summary: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
