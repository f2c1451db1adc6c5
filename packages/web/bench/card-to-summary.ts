/**
 * npm run bench:viewer -- --persons N [--months M] [--reads R]
 *
 * The time a clinician waits in the browser: from the card read (the USB
 * reader's Enter in the card field) to the summary painted (the frame after
 * it is in the page), over R reads of R different cards, one after another,
 * each after 別の患者 as at the desk. Loads N generated persons (M months of
 * claims) into the configured database (IDENTITY_DATABASE_URL /
 * CLINICAL_DATABASE_URL, else PGlite), kept for the next run with the same N
 * and M; starts `renkei serve` in production mode with the built web app, and
 * drives Debian's chromium (CHROMIUM_PATH) with the terminal certificate.
 * Prints progress, then one JSON line:
 * {"persons","months","personsLoaded","events","reads","p50Ms","p95Ms","maxMs"}
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
import { chromium } from 'playwright-core';

const cli = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));
const log = (message: string) => console.error(`[bench:viewer] ${message}`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { persons: { type: 'string', default: '1000' }, months: { type: 'string', default: '12' }, reads: { type: 'string', default: '50' } } });
  const persons = positive(values.persons, '--persons');
  const months = positive(values.months, '--months');
  const reads = positive(values.reads, '--reads');

  // A fixed secret, so that data loaded by an earlier run keeps its pseudonyms.
  process.env.RENKEI_SECRET ??= 'renkei-bench-viewer-secret-0123456789abcdef';
  const databases = resolveConfig({ dataDir: tmpdir() });
  const where = databases.clinicalDatabaseUrl ? createHash('sha1').update(`${databases.identityDatabaseUrl} ${databases.clinicalDatabaseUrl}`).digest('hex').slice(0, 8) : 'pglite';
  const dataDir = path.join(tmpdir(), `renkei-bench-viewer-${where}-${persons}-${months}`);
  const config = resolveConfig({ dataDir });
  log(config.clinicalDatabaseUrl ? 'database: PostgreSQL (IDENTITY_DATABASE_URL, CLINICAL_DATABASE_URL)' : `database: PGlite in ${dataDir}`);

  const keys = await loadServerKeys(config);
  const stores = await openStores(config);
  let credentials;
  let events: number;
  let personsLoaded: number;
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
        months,
        seed: 42,
        onStart: () => log(`generating and ingesting ${persons} persons × ${months} months …`),
        onFile: (done, total) => done % 200 === 0 && log(`ingested ${done}/${total} files`),
      });
      await rm(claimsDir, { recursive: true, force: true });
      log(`loaded ${result.files} files in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      await stores.clinical.exec('ANALYZE');
      await stores.identity.exec('ANALYZE');
    } else {
      log(`reusing the ${loaded} persons already loaded`);
    }
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: reads });
    events = Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
    // Generated persons without a receipt in the months loaded are not in the registry.
    personsLoaded = Number((await stores.identity.query<{ n: string }>('SELECT count(*) AS n FROM persons')).rows[0]!.n);
  } finally {
    await stores.close();
  }
  if (credentials.cards.length < reads) throw new Error(`${credentials.cards.length} cards for ${reads} reads: load afresh with more`);

  const server = await startServer(dataDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    // A doctor and a nurse at the hospital's terminal, taking turns: one user may present 30 cards a minute.
    const pages = await Promise.all(
      (['doctor', 'nurse'] as const).map(async (role) => {
        const context = await browser.newContext({
          clientCertificates: [{ origin: server.url.replace(/\/$/, ''), pfxPath: credentials.terminal.p12, passphrase: credentials.terminal.password }],
          ignoreHTTPSErrors: true,
          locale: 'ja-JP',
          viewport: { width: 1366, height: 768 },
        });
        const page = await context.newPage();
        const user = credentials.users.find((u) => u.role === role)!;
        await page.goto(server.url);
        await page.getByLabel('利用者ID').fill(user.id);
        await page.getByLabel('パスワード').fill(user.password);
        await page.getByRole('button', { name: 'ログイン' }).click();
        await page.waitForURL('**/card', { waitUntil: 'commit' });
        return page;
      }),
    );

    const timings: number[] = [];
    for (let i = 0; i < reads; i++) {
      const page = pages[i % pages.length]!;
      await page.getByLabel('カードのコード').waitFor();
      // The reader types the code into the focused field; the clock starts at its Enter.
      await page.keyboard.type(credentials.cards[i]!.qr);
      const painted = page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const start = performance.now();
            const check = () => (document.querySelector('[data-testid="summary"]') ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(check));
            check();
          }),
      );
      await page.keyboard.press('Enter');
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`card ${i + 1}: no summary within 30 s (${page.url()})`)), 30_000));
      timings.push(await Promise.race([painted, timeout]));
      if (i === 0) log(`first read: ${round(timings[0]!)} ms`);
      await page.getByRole('button', { name: '別の患者' }).click();
    }
    timings.sort((a, b) => a - b);
    const pct = (p: number) => round(timings[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)]!);
    console.log(JSON.stringify({ persons, months, personsLoaded, events, reads, p50Ms: pct(50), p95Ms: pct(95), maxMs: round(timings.at(-1)!) }));
  } finally {
    await browser.close();
    server.stop();
  }
}

/** `renkei serve` in production mode on a free port, its log discarded. */
async function startServer(dataDir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, 'serve', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
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
  console.error(`bench:viewer: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
