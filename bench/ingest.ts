/**
 * npm run bench:ingest -- --receipts N
 *
 * Generates synthetic claims (renkei generate), ingests them into the configured database (the
 * PostgreSQL databases of IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL, else
 * PGlite in a temporary directory), then times a bare COPY of the same final
 * rows into tables of the same shape. Prints progress, then one JSON line:
 * {"receipts","lines","seconds","linesPerSecond","copyLinesPerSecond","ratio","peakRssMb"}
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ingestClaimFiles, loadSections } from '@renkei/claims';
import { loadServerKeys, openStores, resolveConfig, type Db } from '@renkei/store';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { receipts: { type: 'string', default: '100000' }, months: { type: 'string', default: '12' } } });
  const targetReceipts = Number(values.receipts);
  const months = Number(values.months);
  if (!Number.isInteger(targetReceipts) || targetReceipts <= 0) throw new Error('--receipts must be a positive whole number');

  const work = await mkdtemp(path.join(tmpdir(), 'renkei-bench-'));
  const log = (message: string) => console.error(`[bench:ingest] ${message}`);

  try {
    const seed = Date.now() % 2147483647;
    // A small pilot tells how many receipts a person makes, so that N receipts need about N / rate persons.
    const pilot = await generate({ persons: 1000, months, outDir: path.join(work, 'pilot'), seed });
    const persons = Math.max(1, Math.round((targetReceipts * 1000) / pilot.receipts));
    const claimsDir = path.join(work, 'claims');
    let started = Date.now();
    const generated = await generate({ persons, months, outDir: claimsDir, seed: seed + 1 });
    log(`generated ${generated.receipts} receipts, ${generated.lines} lines for ${persons} persons in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const config = resolveConfig({ dataDir: path.join(work, 'data') });
    log(config.clinicalDatabaseUrl ? 'database: PostgreSQL (IDENTITY_DATABASE_URL, CLINICAL_DATABASE_URL)' : 'database: PGlite in a temporary directory');
    const keys = await loadServerKeys(config);
    const stores = await openStores(config);
    try {
      const files = (await readdir(claimsDir, { recursive: true })).filter((f) => /\.uke$/i.test(f)).sort().map((f) => path.join(claimsDir, f));
      const sections = await loadSections(stores.clinical);
      let receipts = 0;
      let lines = 0;
      const digests: string[] = [];
      started = performance.now();
      const results = await ingestClaimFiles(stores, keys, files, {
      sections,
      actor: 'bench:ingest',
      onFile: (_result, i) => {
        if (i % 100 === 99) log(`ingested ${i + 1}/${files.length} files`);
      },
    });
    for (const result of results) {
      digests.push(result.sha256);
      receipts += result.receipts;
      lines += result.lines;
    }
    const seconds = (performance.now() - started) / 1000;
      // The ingest's peak memory, before the baseline below reads rows back.
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      const fileIds = (await stores.clinical.query<{ id: string }>('SELECT id FROM claim_files WHERE sha256 = ANY($1::text[])', [digests])).rows.map((r) => r.id);
      log(`ingest: ${lines} lines in ${seconds.toFixed(1)} s`);

      const copySeconds = await timeBareCopy(stores, fileIds);
      log(`bare COPY of the same rows: ${copySeconds.toFixed(1)} s`);
      const linesPerSecond = Math.round(lines / seconds);
      const copyLinesPerSecond = Math.round(lines / copySeconds);
      console.log(
        JSON.stringify({
          receipts,
          lines,
          seconds: round(seconds),
          linesPerSecond,
          copyLinesPerSecond,
          ratio: round(linesPerSecond / copyLinesPerSecond),
          peakRssMb,
        }),
      );
    } finally {
      await stores.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The claims come from `renkei generate`, in a process of its own: the peak
 * memory this benchmark reports is the ingest's.
 */
async function generate(options: { persons: number; months: number; outDir: string; seed: number }): Promise<{ receipts: number; lines: number }> {
  const cli = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
  const args = ['generate', '--persons', String(options.persons), '--months', String(options.months), '--out', options.outDir, '--seed', String(options.seed), '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout) as { receipts: number; lines: number };
}

/**
 * A bare COPY of the final rows the ingest stored, into empty tables of the
 * same shape (columns, defaults, indexes and foreign keys): what loading them
 * would cost with no parsing, no identity matching, no encryption and no
 * pseudonyms. Clinical rows go file by file, one transaction each, in COPYs of
 * a thousand receipts, as the ingest does; the identity store's rows (persons,
 * their enrollments and names) in transactions of the same size. Each
 * transaction is timed whole, commit included, as the ingest's are.
 */
async function timeBareCopy(stores: { identity: Db; clinical: Db }, fileIds: string[]): Promise<number> {
  const { identity, clinical } = stores;
  await clinical.exec(`
    DROP TABLE IF EXISTS bench_receipts, bench_events;
    CREATE TABLE bench_receipts (LIKE receipts INCLUDING DEFAULTS INCLUDING INDEXES, FOREIGN KEY (file_id) REFERENCES claim_files (id), FOREIGN KEY (superseded_by) REFERENCES bench_receipts (id));
    CREATE TABLE bench_events (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES);
  `);
  await identity.exec(`
    DROP TABLE IF EXISTS bench_person_names, bench_enrollments, bench_persons;
    CREATE TABLE bench_persons (LIKE persons INCLUDING DEFAULTS INCLUDING INDEXES);
    CREATE TABLE bench_enrollments (LIKE enrollments INCLUDING DEFAULTS INCLUDING INDEXES, FOREIGN KEY (person_id) REFERENCES bench_persons (id));
    CREATE TABLE bench_person_names (LIKE person_names INCLUDING DEFAULTS INCLUDING INDEXES, FOREIGN KEY (person_id) REFERENCES bench_persons (id));
  `);
  // Fresh statistics, so that reading the rows back finds them by index.
  await clinical.exec('ANALYZE receipts; ANALYZE events');
  await identity.exec('ANALYZE persons; ANALYZE enrollments; ANALYZE person_names');
  const columns = async (db: Db, tables: string[]) => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await columnsOf(db, t)] as const)));
  const clinicalColumns = await columns(clinical, ['receipts', 'events']);
  const identityColumns = await columns(identity, ['persons', 'enrollments', 'person_names']);
  let seconds = 0;
  /** Runs `load` in a transaction; only its `timed` parts and the commit count (reading the rows back does not). */
  const inTransaction = async (db: Db, load: (tx: Db, timed: (copy: () => Promise<unknown>) => Promise<void>) => Promise<void>) => {
    let committing = 0;
    await db.transaction(async (tx) => {
      await load(tx, async (copy) => {
        const started = performance.now();
        await copy();
        seconds += (performance.now() - started) / 1000;
      });
      committing = performance.now();
    });
    seconds += (performance.now() - committing) / 1000;
  };
  const receiptColumns = clinicalColumns.receipts!.filter((c) => c !== 'id' && c !== 'superseded_by');
  try {
    for (const fileId of fileIds) {
      const ids = (await clinical.query<{ id: string }>('SELECT id FROM receipts WHERE file_id = $1 ORDER BY id', [fileId])).rows.map((r) => r.id);
      await inTransaction(clinical, async (tx, timed) => {
        for (let i = 0; i < ids.length; i += 1000) {
          const list = `'{${ids.slice(i, i + 1000).join(',')}}'::uuid[]`;
          // Corrections point at receipts of the same file or later ones: left out here, the rows stay loadable in file order.
          const receipts = await tx.copyTo(`SELECT id, ${receiptColumns.join(', ')}, NULL AS superseded_by FROM receipts WHERE id = ANY(${list})`);
          const events = await tx.copyTo(`SELECT * FROM events WHERE receipt_id = ANY(${list})`);
          await timed(() => tx.copyFrom('bench_receipts', ['id', ...receiptColumns, 'superseded_by'], receipts));
          await timed(() => tx.copyFrom('bench_events', clinicalColumns.events!, events));
        }
      });
    }
    const personIds = (await identity.query<{ id: string }>('SELECT id FROM persons ORDER BY id')).rows.map((r) => r.id);
    for (let i = 0; i < personIds.length; i += 1000) {
      const list = `'{${personIds.slice(i, i + 1000).join(',')}}'::uuid[]`;
      await inTransaction(identity, async (tx, timed) => {
        for (const table of ['persons', 'enrollments', 'person_names'] as const) {
          const rows = await tx.copyTo(`SELECT * FROM ${table} WHERE ${table === 'persons' ? 'id' : 'person_id'} = ANY(${list})`);
          await timed(() => tx.copyFrom(`bench_${table}`, identityColumns[table]!, rows));
        }
      });
    }
  } finally {
    await clinical.exec('DROP TABLE IF EXISTS bench_events, bench_receipts');
    await identity.exec('DROP TABLE IF EXISTS bench_person_names, bench_enrollments, bench_persons');
  }
  return seconds;
}

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table]);
  return rows.map((r) => r.column_name);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

await main();
