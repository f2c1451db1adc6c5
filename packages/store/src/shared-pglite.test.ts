import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { openStores, type Stores } from './stores.js';

describe('an embedded store held by a server', () => {
  let dataDir: string;
  let server: Stores;
  const config = () => resolveConfig({ dataDir }, {});
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'renkei-shared-'));
    server = await openStores(config(), { share: true });
    await server.clinical.exec('CREATE TABLE shared_test (n integer)');
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is reached by another process through the socket, COPY included', async () => {
    const cli = await openStores(config());
    expect(cli.clinical.engine).toBe('postgres');
    await cli.clinical.copyFrom('shared_test', ['n'], '1\n2\n');
    expect((await server.clinical.query<{ n: number }>('SELECT sum(n)::int AS n FROM shared_test')).rows[0]!.n).toBe(3);
    await cli.close();
  });

  it('keeps one connection\'s transaction apart from the server\'s own queries', async () => {
    const cli = await openStores(config());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const rolledBack = cli.clinical
      .transaction(async (tx) => {
        await tx.query('INSERT INTO shared_test VALUES (100)');
        await held;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The server writes while the other transaction is open; its write must survive that rollback.
    const serverWrite = server.clinical.query('INSERT INTO shared_test VALUES (1000)');
    release();
    expect(await rolledBack).toBe('rolled back');
    await serverWrite;
    const { rows } = await server.clinical.query<{ n: number }>('SELECT n FROM shared_test WHERE n >= 100 ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1000]);
    await cli.close();
  });

  it('cannot be held by a second server', async () => {
    await expect(openStores(config(), { share: true })).rejects.toThrow(/already holds/);
  });

  it('is opened directly again once the server has closed it', async () => {
    await server.close();
    const after = await openStores(config());
    expect(after.clinical.engine).toBe('pglite');
    expect((await after.clinical.query<{ n: number }>('SELECT count(*)::int AS n FROM shared_test')).rows[0]!.n).toBe(3);
    await after.close();
    server = await openStores(config(), { share: true });
  });
});
