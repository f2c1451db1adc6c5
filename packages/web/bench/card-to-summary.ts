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
import { parseArgs } from 'node:util';
import { benchDatabases, benchLog, loadClaimsOnce, percentile, positive, round, runBench, startRenkeiServe } from '@renkei/bench-kit';
import { seedDemoNetwork } from '@renkei/demo';
import { loadServerKeys, openStores } from '@renkei/store';
import { chromium } from 'playwright-core';

const log = benchLog('viewer');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { persons: { type: 'string', default: '1000' }, months: { type: 'string', default: '12' }, reads: { type: 'string', default: '50' } } });
  const persons = positive(values.persons, '--persons');
  const months = positive(values.months, '--months');
  const reads = positive(values.reads, '--reads');

  const { config, dataDir } = await benchDatabases('viewer', { keepFor: `${persons}-${months}` });

  const keys = await loadServerKeys(config);
  const stores = await openStores(config);
  let credentials;
  let events: number;
  let personsLoaded: number;
  try {
    personsLoaded = await loadClaimsOnce(stores, keys, dataDir, { persons, months, log });
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: reads });
    events = Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
  } finally {
    await stores.close();
  }
  if (credentials.cards.length < reads) throw new Error(`${credentials.cards.length} cards for ${reads} reads: load afresh with more`);

  const server = await startRenkeiServe(dataDir);
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
    console.log(JSON.stringify({ persons, months, personsLoaded, events, reads, p50Ms: percentile(timings, 50), p95Ms: percentile(timings, 95), maxMs: round(timings.at(-1)!) }));
  } finally {
    await browser.close();
    await server.stop();
  }
}

runBench('viewer', main);
