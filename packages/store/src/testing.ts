import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from './db.js';
import { migrate, type StoreName } from './migrations.js';
import { dumpPglite, openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';
import type { Stores } from './stores.js';

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

// PGlite starts faster from a dump than it migrates: one migrated template per store and test file.
const templates = new Map<StoreName, Promise<Blob>>();

/** One fresh, migrated store on `engine`. */
export async function openTestStore(engine: Engine, store: StoreName): Promise<Db> {
  if (engine === 'postgres') {
    const db = await openTestDb(engine);
    await migrate(db, store);
    return db;
  }
  let template = templates.get(store);
  if (!template) {
    template = (async () => {
      const db = await openPglite(undefined);
      await migrate(db, store);
      const dump = await dumpPglite(db);
      await db.close();
      return dump;
    })();
    templates.set(store, template);
  }
  return openPglite(undefined, await template);
}

/** A fresh, empty database on `engine` (not migrated). */
export async function openTestDb(engine: Engine): Promise<Db> {
  if (engine === 'pglite') return openPglite(undefined);
  const { url, drop } = await createTestDatabase();
  const db = await openPostgres(url);
  return {
    ...db,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/** Creates an empty PostgreSQL database; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.RENKEI_TEST_POSTGRES;
  if (!serverUrl) throw new Error('RENKEI_TEST_POSTGRES is not set');
  const name = `renkei_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
