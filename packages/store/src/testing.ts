import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from './db.js';
import type { StoreName } from './migrations.js';
import { dumpPglite, openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';
import type { Stores } from './stores.js';
import { buildTestTemplates, databaseUrl, onServer, type TestTemplates } from './test-templates.js';

// Under vitest the run's global setup provides the templates; a benchmark (plain node) builds its own (useOwnTestTemplates).
const vitest = process.env.VITEST ? await import('vitest') : undefined;
let ownTemplates: TestTemplates | undefined;

/** Outside vitest (a benchmark script): builds the templates once for this process; `drop` removes them. */
export async function useOwnTestTemplates(serverUrl?: string): Promise<{ drop: () => Promise<void> }> {
  const { templates, drop } = await buildTestTemplates(serverUrl);
  ownTemplates = templates;
  return { drop };
}

declare module 'vitest' {
  export interface ProvidedContext {
    renkeiTestTemplates: TestTemplates;
  }
}

/**
 * Test support: the engines a suite runs on. PGlite always; PostgreSQL too when
 * RENKEI_TEST_POSTGRES names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres),
 * on which every test gets fresh databases of its own, dropped at close.
 */
export type Engine = 'pglite' | 'postgres';

export function testEngines(): Engine[] {
  return process.env.RENKEI_TEST_POSTGRES ? ['pglite', 'postgres'] : ['pglite'];
}

/** Fresh, migrated identity and clinical stores on `engine`. */
export async function openTestStores(engine: Engine): Promise<Stores> {
  const [identity, clinical] = await Promise.all([openTestStore(engine, 'identity'), openTestStore(engine, 'clinical')]);
  return {
    identity,
    clinical,
    async close() {
      await Promise.allSettled([identity.close(), clinical.close()]);
    },
  };
}

/** One fresh, migrated store on `engine`: a copy of the run's template (vitest.global-setup.ts). */
export async function openTestStore(engine: Engine, store: StoreName): Promise<Db> {
  if (engine === 'postgres') return openDroppedAtClose(await createTestDatabase(store));
  return openPglite(undefined, await pgliteTemplate(store));
}

/** A fresh, empty database on `engine` (not migrated). */
export async function openTestDb(engine: Engine): Promise<Db> {
  if (engine === 'pglite') return openPglite(undefined, await pgliteTemplate('empty'));
  return openDroppedAtClose(await createTestDatabase());
}

/** Makes `dataDir` a data directory whose embedded stores are migrated already (copies of the run's template). */
export async function createTestDataDir(dataDir: string): Promise<void> {
  await cp(templates().pgliteDataDir, dataDir, { recursive: true });
}

/**
 * Creates a PostgreSQL database: empty; a copy of a store's migrated template;
 * or a copy of a test database given by its URL, which nobody may be connected to.
 * `drop` removes it.
 */
export async function createTestDatabase(copyOf?: StoreName | string): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.RENKEI_TEST_POSTGRES;
  if (!serverUrl) throw new Error('RENKEI_TEST_POSTGRES is not set');
  const name = `renkei_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, [`CREATE DATABASE ${name}${copyOf === undefined ? '' : ` TEMPLATE ${templateName(copyOf)}`}`]);
  return {
    url: databaseUrl(serverUrl, name),
    drop: () => onServer(serverUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

function templateName(copyOf: StoreName | string): string {
  if (copyOf !== 'identity' && copyOf !== 'clinical') return new URL(copyOf).pathname.slice(1);
  const template = templates().postgres?.[copyOf];
  if (!template) throw new Error('the test templates were built without PostgreSQL: RENKEI_TEST_POSTGRES was not set when the run started');
  return template;
}

async function openDroppedAtClose({ url, drop }: { url: string; drop: () => Promise<void> }): Promise<Db> {
  const db = await openPostgres(url);
  return {
    ...db,
    async close() {
      await db.close();
      await drop();
    },
  };
}

function templates(): TestTemplates {
  const provided = ownTemplates ?? vitest?.inject('renkeiTestTemplates');
  if (!provided) throw new Error("no test templates: run the tests with vitest from the project root, whose global setup (vitest.global-setup.ts) builds them");
  return provided;
}

// Read once per test process, loaded by every PGlite store it opens.
const pgliteDumps = new Map<StoreName | 'empty', Promise<Blob>>();

function pgliteTemplate(store: StoreName | 'empty'): Promise<Blob> {
  let dump = pgliteDumps.get(store);
  if (!dump) {
    dump = readFile(templates().pglite[store]).then((bytes) => new Blob([bytes]));
    pgliteDumps.set(store, dump);
  }
  return dump;
}

/** Stores and a data directory as a fixture's `build` left them, with what it returned. */
export interface TestSnapshot<T> {
  stores: Stores;
  dataDir: string;
  value: T;
  /** Closes the stores and removes the data directory. */
  close(): Promise<void>;
}

/**
 * A fresh copy of the fixture `name` on `engine`: stores, data directory and
 * `build`'s result (JSON; paths in it into the data directory point into the
 * copy). The fixture is built once per run, by the first test file that asks
 * (the others wait for it), so that files which need the same seeded network
 * do not each seed their own. `build` must depend on nothing but `name`.
 */
export async function openTestSnapshot<T>(engine: Engine, name: string, build: (stores: Stores, dataDir: string) => Promise<T>): Promise<TestSnapshot<T>> {
  const snapshot = await snapshotOf(engine, name, build);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'renkei-snapshot-'));
  await cp(snapshot.dataDir, dataDir, { recursive: true });
  const stores = await openSnapshotStores(engine, snapshot);
  const value = JSON.parse(JSON.stringify(snapshot.value).replaceAll(JSON.stringify(snapshot.dataDir).slice(1, -1), JSON.stringify(dataDir).slice(1, -1))) as T;
  return {
    stores,
    dataDir,
    value,
    async close() {
      await stores.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where a built fixture lies: its data directory, its stores (PGlite dump files, or template databases' URLs), and its value. */
interface BuiltSnapshot {
  dataDir: string;
  stores: Record<StoreName, string>;
  value: unknown;
}

const SNAPSHOT_WAIT_MS = 10 * 60_000;

async function snapshotOf<T>(engine: Engine, name: string, build: (stores: Stores, dataDir: string) => Promise<T>): Promise<BuiltSnapshot & { value: T }> {
  const base = path.join(templates().scratchDir, `${name}-${engine}`);
  const ready = `${base}.json`;
  try {
    // Whoever makes the directory builds; mkdir is atomic, so exactly one does.
    await mkdir(base);
  } catch {
    const deadline = Date.now() + SNAPSHOT_WAIT_MS;
    for (;;) {
      const built = await readFile(ready, 'utf8').catch(() => undefined);
      if (built) return JSON.parse(built) as BuiltSnapshot & { value: T };
      const failed = await readFile(`${base}.failed`, 'utf8').catch(() => undefined);
      if (failed !== undefined) throw new Error(`the test fixture ${name} on ${engine} could not be built: ${failed}`);
      if (Date.now() > deadline) throw new Error(`the test fixture ${name} on ${engine} was not built within ${SNAPSHOT_WAIT_MS / 60_000} minutes`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const built = await buildSnapshot(engine, name, base, build);
    await writeFile(`${ready}.tmp`, JSON.stringify(built));
    await rename(`${ready}.tmp`, ready);
    return built;
  } catch (error) {
    await writeFile(`${base}.failed`, String(error));
    throw error;
  }
}

async function buildSnapshot<T>(engine: Engine, name: string, base: string, build: (stores: Stores, dataDir: string) => Promise<T>): Promise<BuiltSnapshot & { value: T }> {
  const dataDir = path.join(base, 'data');
  await mkdir(dataDir);
  let built: BuiltSnapshot & { value: T };
  if (engine === 'pglite') {
    const stores = await openTestStores('pglite');
    try {
      const value = await build(stores, dataDir);
      const files = {} as Record<StoreName, string>;
      for (const store of ['identity', 'clinical'] as const) {
        files[store] = path.join(base, `${store}.tar`);
        await writeFile(files[store], Buffer.from(await (await dumpPglite(stores[store])).arrayBuffer()));
      }
      built = { dataDir, stores: files, value };
    } finally {
      await stores.close();
    }
  } else {
    const serverUrl = process.env.RENKEI_TEST_POSTGRES!;
    const prefix = `${templates().postgresPrefix}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
    const names = { identity: `${prefix}_identity`, clinical: `${prefix}_clinical` };
    await onServer(serverUrl, [`CREATE DATABASE ${names.identity} TEMPLATE ${templateName('identity')}`, `CREATE DATABASE ${names.clinical} TEMPLATE ${templateName('clinical')}`]);
    const [identity, clinical] = await Promise.all([openPostgres(databaseUrl(serverUrl, names.identity)), openPostgres(databaseUrl(serverUrl, names.clinical))]);
    const stores: Stores = { identity, clinical, close: async () => void (await Promise.allSettled([identity.close(), clinical.close()])) };
    let value: T;
    try {
      value = await build(stores, dataDir);
    } finally {
      await stores.close();
    }
    // Copied with CREATE DATABASE … TEMPLATE, which needs it without connections.
    await onServer(serverUrl, [`ALTER DATABASE ${names.identity} WITH ALLOW_CONNECTIONS false`, `ALTER DATABASE ${names.clinical} WITH ALLOW_CONNECTIONS false`]);
    built = { dataDir, stores: { identity: databaseUrl(serverUrl, names.identity), clinical: databaseUrl(serverUrl, names.clinical) }, value };
  }
  return built;
}

async function openSnapshotStores(engine: Engine, snapshot: BuiltSnapshot): Promise<Stores> {
  const open = async (store: StoreName): Promise<Db> =>
    engine === 'pglite' ? openPglite(undefined, new Blob([await readFile(snapshot.stores[store])])) : openDroppedAtClose(await createTestDatabase(snapshot.stores[store]));
  const [identity, clinical] = await Promise.all([open('identity'), open('clinical')]);
  return {
    identity,
    clinical,
    async close() {
      await Promise.allSettled([identity.close(), clinical.close()]);
    },
  };
}
