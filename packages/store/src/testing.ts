import { randomBytes } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { Db } from './db.js';
import type { StoreName } from './migrations.js';
import { openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';
import type { Stores } from './stores.js';
import { databaseUrl, onServer, type TestTemplates } from './test-templates.js';

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
  const provided = inject('renkeiTestTemplates');
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
