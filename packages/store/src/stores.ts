import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RenkeiConfig } from './config.js';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';
import { connectToSharedPglite, openSharedPglite, socketDirOf } from './shared-pglite.js';

/** The two stores: who the person is, and what happened. Always two databases. */
export interface Stores {
  identity: Db;
  clinical: Db;
  close(): Promise<void>;
}

/**
 * Opens both stores and applies pending migrations. Embedded stores that a
 * running server holds are reached through its socket; with `share`, this
 * process holds them and serves them so (the server does).
 */
export async function openStores(config: RenkeiConfig, options: { share?: boolean } = {}): Promise<Stores> {
  const open = (url: string | undefined, store: 'identity' | 'clinical') => openStore(url, config.dataDir, store, options.share ?? false);
  // Both at once: an embedded store takes a second or more to start.
  const [identity, clinical] = await Promise.allSettled([open(config.identityDatabaseUrl, 'identity'), open(config.clinicalDatabaseUrl, 'clinical')]);
  if (identity.status === 'rejected' || clinical.status === 'rejected') {
    await Promise.allSettled([identity, clinical].map((opened) => (opened.status === 'fulfilled' ? opened.value.close() : undefined)));
    throw identity.status === 'rejected' ? identity.reason : (clinical as PromiseRejectedResult).reason;
  }
  const stores: Stores = {
    identity: identity.value,
    clinical: clinical.value,
    async close() {
      await Promise.allSettled([identity.value.close(), clinical.value.close()]);
    },
  };
  try {
    await Promise.all([migrate(identity.value, 'identity'), migrate(clinical.value, 'clinical')]);
  } catch (error) {
    await stores.close();
    throw error;
  }
  return stores;
}

async function openStore(url: string | undefined, dataDir: string, store: 'identity' | 'clinical', share: boolean): Promise<Db> {
  if (url !== undefined) return openPostgres(url);
  const embeddedDir = path.join(dataDir, store);
  const socketDir = socketDirOf(dataDir, store);
  const served = await connectToSharedPglite(socketDir);
  if (served) {
    if (share) {
      await served.close();
      throw new Error(`another Renkei server already holds ${embeddedDir}`);
    }
    return served;
  }
  await mkdir(embeddedDir, { recursive: true });
  return share ? openSharedPglite(embeddedDir, socketDir) : openPglite(embeddedDir);
}
