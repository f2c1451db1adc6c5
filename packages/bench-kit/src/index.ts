/**
 * What the benchmarks share: their databases, `renkei serve` in production
 * mode, their arguments and figures. A bench script keeps only what it
 * measures.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoClaims } from '@renkei/demo';
import { openPostgres, resolveConfig, type ServerKeys, type RenkeiConfig, type Stores } from '@renkei/store';
import { request, type Agent } from 'undici';

const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

/** Progress on stderr, so that stdout carries the one JSON line of figures. */
export const benchLog = (bench: string) => (message: string) => console.error(`[bench:${bench}] ${message}`);

/**
 * The configured databases (IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL,
 * else PGlite in the data directory; with `postgres`, else two databases the
 * bench creates on PostgreSQL, which `drop` removes) and the data directory: a fresh one, or,
 * with `keepFor` (the size loaded), one per database and size, so that the
 * next run of the same size reuses what this one loaded (the credentials kept
 * there belong to that database). A fixed secret keeps the pseudonyms of data
 * loaded earlier.
 */
export async function benchDatabases(bench: string, options: { keepFor?: string; postgres?: boolean } = {}): Promise<{ config: RenkeiConfig; dataDir: string; drop: () => Promise<void> }> {
  process.env.RENKEI_SECRET ??= `renkei-bench-${bench}-secret-0123456789abcdef`;
  let drop = async () => {};
  if (options.postgres && !process.env.IDENTITY_DATABASE_URL && !process.env.CLINICAL_DATABASE_URL) drop = await createBenchPostgres(bench);
  let dataDir: string;
  if (options.keepFor === undefined) {
    dataDir = await mkdtemp(path.join(tmpdir(), `renkei-bench-${bench}-`));
  } else {
    const databases = resolveConfig({ dataDir: tmpdir() });
    const where = databases.clinicalDatabaseUrl ? createHash('sha1').update(`${databases.identityDatabaseUrl} ${databases.clinicalDatabaseUrl}`).digest('hex').slice(0, 8) : 'pglite';
    dataDir = path.join(tmpdir(), `renkei-bench-${bench}-${where}-${options.keepFor}`);
  }
  const config = resolveConfig({ dataDir });
  benchLog(bench)(config.clinicalDatabaseUrl ? `database: PostgreSQL (${new URL(config.clinicalDatabaseUrl).host})` : `database: PGlite in ${dataDir}`);
  return { config, dataDir, drop };
}

/**
 * Two empty databases of the bench's own on the PostgreSQL server of
 * RENKEI_BENCH_POSTGRES (default: this machine's, postgres://postgres@127.0.0.1:5432/postgres),
 * named in IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL for this process and
 * the server it starts. Returns what drops them.
 */
async function createBenchPostgres(bench: string): Promise<() => Promise<void>> {
  const serverUrl = process.env.RENKEI_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const server = await openPostgres(serverUrl, { connections: 1 }).catch((error: unknown) => {
    throw new Error(`bench:${bench} runs on PostgreSQL: ${serverUrl} answered ${error instanceof Error ? error.message : String(error)} (set RENKEI_BENCH_POSTGRES, or IDENTITY_DATABASE_URL and CLINICAL_DATABASE_URL)`);
  });
  const name = `renkei_bench_${bench}_${randomBytes(4).toString('hex')}`;
  const urlOf = (database: string) => Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  try {
    for (const store of ['identity', 'clinical']) await server.exec(`CREATE DATABASE ${name}_${store}`);
  } finally {
    await server.close();
  }
  process.env.IDENTITY_DATABASE_URL = urlOf(`${name}_identity`);
  process.env.CLINICAL_DATABASE_URL = urlOf(`${name}_clinical`);
  return async () => {
    const again = await openPostgres(serverUrl, { connections: 1 });
    try {
      for (const store of ['identity', 'clinical']) await again.exec(`DROP DATABASE IF EXISTS ${name}_${store} WITH (FORCE)`);
    } finally {
      await again.close();
    }
  };
}

/**
 * N generated persons' claims over M months, loaded and analysed, unless a
 * run of the same size loaded them into these databases before (then the
 * demo's credentials are in `dataDir`). Databases holding another run's data
 * are refused. Returns the persons in the registry.
 */
export async function loadClaimsOnce(stores: Stores, keys: ServerKeys, dataDir: string, options: { persons: number; months: number; log: (message: string) => void }): Promise<number> {
  const { persons, months, log } = options;
  const countPersons = async () => Number((await stores.identity.query<{ n: string }>('SELECT count(*) AS n FROM persons')).rows[0]!.n);
  const loaded = await countPersons();
  if (loaded > 0) {
    if (!(await readFile(path.join(dataDir, 'demo', 'credentials.json')).catch(() => undefined))) throw new Error('the database holds data of another run: give empty databases (or drop them)');
    log(`reusing the ${loaded} persons already loaded`);
    return loaded;
  }
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
  // Generated persons without a receipt in the months loaded are not in the registry.
  return countPersons();
}

export interface RenkeiServe {
  /** https://127.0.0.1:port/ */
  url: string;
  /** Stops the server; resolves once it has exited. */
  stop: () => Promise<void>;
}

/**
 * `renkei serve` in production mode on a free port, its URL read from its
 * output (the rest of which is discarded). BENCH_SERVER_NODE_ARGS (e.g.
 * --cpu-prof) go to its node.
 */
export async function startRenkeiServe(dataDir: string): Promise<RenkeiServe> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, CLI, '--data-dir', dataDir, 'serve', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
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
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Logs `userId` in through `agent` (a terminal's certificate) at the server
 * `base`; the session cookie. One terminal may log in 30 times within any minute
 * and every try counts, so a bench's many doctors on one terminal wait their
 * turn, up to three minutes.
 */
export async function loginAt(base: string, agent: Agent, userId: string, password: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const r = await request(`${base}api/login`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, password }) });
    await r.body.dump();
    if (r.statusCode === 200) return [r.headers['set-cookie']].flat()[0]!.split(';')[0]!;
    if (r.statusCode !== 429 || attempt >= 36) throw new Error(`login ${userId}: ${r.statusCode}`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

/** A command-line argument that must be a positive whole number. */
export function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

/** To a tenth (of a millisecond, say). */
export const round = (n: number) => Math.round(n * 10) / 10;

/** The p-th percentile of ascending `sorted` by nearest rank (0 for none), to a tenth. */
export const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? 0 : round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!));

/** Runs a bench's `main`: a failure is one line on stderr and a non-zero exit. */
export function runBench(bench: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`bench:${bench}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
