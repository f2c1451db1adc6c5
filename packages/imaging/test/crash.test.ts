import { fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveServerKeys, dumpPglite, migrate, openPglite, openPostgres, type Db } from '@renkei/store';
import { createTestDatabase, openTestStore, testEngines } from '@renkei/store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore, ImageArchive } from '../src/index.js';
import { workFolder } from '../src/testing.js';

const child = fileURLToPath(new URL('./store-until-killed.mjs', import.meta.url));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe.each(testEngines())('a store killed mid-way on %s', (engine) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Migrated, empty stores that a child process can open too. */
  async function storesFor(dataDir: string): Promise<{ urls: [string, string]; open(): Promise<{ identity: Db; clinical: Db; close(): Promise<void> }> }> {
    let urls: [string, string] = ['-', '-'];
    if (engine === 'postgres') {
      const [identity, clinical] = await Promise.all([createTestDatabase(), createTestDatabase()]);
      cleanups.push(identity.drop, clinical.drop);
      urls = [identity.url, clinical.url];
    }
    const open = async (templates?: Blob[]) => {
      const [identity, clinical] = await Promise.all(
        (['identity', 'clinical'] as const).map((name, i) => (engine === 'postgres' ? openPostgres(urls[i]!) : openPglite(path.join(dataDir, name), templates?.[i]))),
      );
      return { identity: identity!, clinical: clinical!, close: async () => void (await Promise.all([identity!.close(), clinical!.close()])) };
    };
    // PGlite starts from a dump of migrated stores (faster than migrating files); PostgreSQL is migrated in place.
    const templates = engine === 'pglite' ? await Promise.all((['identity', 'clinical'] as const).map(async (name) => dumpPglite(await openTestStore('pglite', name)))) : undefined;
    const stores = await open(templates);
    if (engine === 'postgres') {
      await migrate(stores.identity, 'identity');
      await migrate(stores.clinical, 'clinical');
    }
    await stores.close();
    return { urls, open: () => open() };
  }

  /** Runs the child until `until` says so, then kills it with SIGKILL (no clean-up of its own). */
  function storeUntilKilled(dataDir: string, urls: [string, string], until: (message: string) => boolean, env: Record<string, string> = {}, delayMs = 0): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const messages: string[] = [];
      const running = fork(child, [dataDir, ...urls], { execArgv: [], env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      running.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      running.on('message', (message) => {
        messages.push(String(message));
        if (until(String(message))) setTimeout(() => running.kill('SIGKILL'), delayMs);
      });
      running.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(messages) : reject(new Error(`the store stopped by itself: ${stderr}`))));
    });
  }

  async function checkNothingHalfStored(dataDir: string, open: () => Promise<{ identity: Db; clinical: Db; close(): Promise<void> }>) {
    const stores = await open();
    try {
      const archive = new ImageArchive(stores, deriveServerKeys(Buffer.alloc(32, 9)), new FileBlobStore(path.join(dataDir, 'images')));
      const recovered = await archive.recover(new Date(Date.now() + 1000));
      const { rows } = await stores.clinical.query<{ blob_name: string; size: string }>('SELECT blob_name, size FROM imaging_instances');
      // Every indexed instance has its whole blob, and there is no blob (nor temporary file) that nothing indexes.
      for (const row of rows) expect((await archive.blobs.read(row.blob_name)).length).toBe(Number(row.size));
      const files = await filesUnder(path.join(dataDir, 'images'));
      expect(files.map((f) => path.basename(f)).sort()).toEqual([...new Set(rows.map((r) => r.blob_name))].sort());
      return { instances: rows.length, recovered };
    } finally {
      await stores.close();
    }
  }

  it('leaves no orphan blob when killed after the blob was written but before it was indexed', { timeout: 120_000 }, async () => {
    const folder = await workFolder();
    cleanups.push(folder.remove);
    const { urls, open } = await storesFor(folder.dir);
    await storeUntilKilled(folder.dir, urls, (m) => m === 'blob-written', { STOP_AT: 'blob-written' });
    expect((await filesUnder(path.join(folder.dir, 'images'))).length).toBe(1);
    const after = await checkNothingHalfStored(folder.dir, open);
    expect(after).toEqual({ instances: 0, recovered: { orphans: 1, unfinished: 0, patients: 0 } });
  });

  it('leaves whole instances only when killed at any moment of a run of stores', { timeout: 120_000 }, async () => {
    const folder = await workFolder();
    cleanups.push(folder.remove);
    const { urls, open } = await storesFor(folder.dir);
    // Killed a few milliseconds after the third instance, wherever the next one then is.
    let stored = 0;
    await storeUntilKilled(folder.dir, urls, (m) => m.startsWith('stored') && ++stored === 3, {}, 1 + Math.floor(Math.random() * 15));
    const after = await checkNothingHalfStored(folder.dir, open);
    expect(after.instances).toBeGreaterThanOrEqual(3);
  });
});
