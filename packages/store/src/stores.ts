import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RenkeiConfig } from './config.js';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';

/** The two stores: who the person is, and what happened. Always two databases. */
export interface Stores {
  identity: Db;
  clinical: Db;
  close(): Promise<void>;
}

/** Opens both stores and applies pending migrations. */
export async function openStores(config: RenkeiConfig): Promise<Stores> {
  const identity = await openStore(config.identityDatabaseUrl, path.join(config.dataDir, 'identity'));
  let clinical: Db;
  try {
    clinical = await openStore(config.clinicalDatabaseUrl, path.join(config.dataDir, 'clinical'));
  } catch (error) {
    await identity.close();
    throw error;
  }
  const stores: Stores = {
    identity,
    clinical,
    async close() {
      await Promise.allSettled([identity.close(), clinical.close()]);
    },
  };
  try {
    await migrate(identity, 'identity');
    await migrate(clinical, 'clinical');
  } catch (error) {
    await stores.close();
    throw error;
  }
  return stores;
}

async function openStore(url: string | undefined, embeddedDir: string): Promise<Db> {
  if (url !== undefined) return openPostgres(url);
  await mkdir(embeddedDir, { recursive: true });
  return openPglite(embeddedDir);
}
