import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, type StoreName } from './migrations.js';
import { dumpPglite, openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';

/**
 * Migrated stores that tests copy instead of migrating their own, built once
 * per test run by the suite's global setup (vitest.global-setup.ts).
 */
export interface TestTemplates {
  /** Dumps that openPglite loads (files): each migrated store, and an empty database (PGlite starts faster from a dump than by initdb). */
  pglite: Record<StoreName | 'empty', string>;
  /** A data directory whose embedded stores are both migrated, for commands that open a data directory (copy it). */
  pgliteDataDir: string;
  /** A migrated database of each store on the RENKEI_TEST_POSTGRES server, to be copied with CREATE DATABASE … TEMPLATE. */
  postgres?: Record<StoreName, string>;
  /** A directory of the run's own, for fixtures built once per run on first use (see openTestSnapshot). */
  scratchDir: string;
  /** Every database of this run on the server starts with this prefix, so that the end of the run drops them all. */
  postgresPrefix: string;
}

const stores: StoreName[] = ['identity', 'clinical'];

/** Builds the templates of both stores on PGlite, and on PostgreSQL when `serverUrl` is given; `drop` removes them all. */
export async function buildTestTemplates(serverUrl: string | undefined): Promise<{ templates: TestTemplates; drop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-test-templates-'));
  // Unique to this run: other runs against the same server keep their own templates.
  const prefix = `renkei_template_${randomBytes(4).toString('hex')}`;
  const drop = async () => {
    await rm(dir, { recursive: true, force: true });
    if (!serverUrl) return;
    // The templates, and the snapshots that test files made from them (openTestSnapshot).
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    const made = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]).finally(() => client.end());
    await onServer(serverUrl, made.rows.map((row) => `DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`));
  };
  try {
    const [pglite, postgres] = await Promise.all([
      pgliteTemplates(dir),
      serverUrl ? eachStore((store) => postgresTemplate(serverUrl, `${prefix}_${store}`, store)) : undefined,
    ]);
    const scratchDir = path.join(dir, 'scratch');
    await mkdir(scratchDir);
    return { templates: { ...pglite, ...(postgres ? { postgres } : {}), scratchDir, postgresPrefix: prefix }, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

async function eachStore(build: (store: StoreName) => Promise<string>): Promise<Record<StoreName, string>> {
  const [identity, clinical] = await Promise.all(stores.map(build));
  return { identity: identity!, clinical: clinical! };
}

async function pgliteTemplates(dir: string): Promise<Pick<TestTemplates, 'pglite' | 'pgliteDataDir'>> {
  const empty = await openPglite(undefined);
  const emptyDump = await dumpPglite(empty).finally(() => empty.close());
  const write = async (name: string, dump: Blob) => {
    const file = path.join(dir, `${name}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  };
  const pgliteDataDir = path.join(dir, 'data');
  await mkdir(pgliteDataDir);
  const migrated = await eachStore(async (store) => {
    const db = await openPglite(undefined, emptyDump);
    let dump: Blob;
    try {
      await migrate(db, store);
      dump = await dumpPglite(db);
    } finally {
      await db.close();
    }
    const inDataDir = await openPglite(path.join(pgliteDataDir, store), dump);
    await inDataDir.close();
    return write(store, dump);
  });
  return { pglite: { ...migrated, empty: await write('empty', emptyDump) }, pgliteDataDir };
}

async function postgresTemplate(serverUrl: string, name: string, store: StoreName): Promise<string> {
  await onServer(serverUrl, [`CREATE DATABASE ${name}`]);
  const db = await openPostgres(databaseUrl(serverUrl, name));
  try {
    await migrate(db, store);
  } finally {
    await db.close();
  }
  // A template is copied only while nobody is connected to it: let nobody connect.
  await onServer(serverUrl, [`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`]);
  return name;
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs statements (CREATE, DROP, ALTER DATABASE) on the server's own database, one by one. */
export async function onServer(serverUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
