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
    expect((await cli.clinical.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
    await cli.clinical.copyFrom('shared_test', ['n'], '1\n2\n');
    expect((await server.clinical.query<{ n: number }>('SELECT sum(n)::int AS n FROM shared_test')).rows[0]!.n).toBe(3);
    await cli.close();
  });

  it('answers many concurrent parameterized queries of the server, none taking another\'s parameters', async () => {
    // Large parameters arrive at the socket in several reads: the queries' messages must not interleave.
    const padding = 'x'.repeat(200_000);
    await server.clinical.exec('CREATE TABLE concurrency_test (n integer)');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0
          ? server.clinical.query<{ n: number }>('SELECT $1::int AS n', [i])
          : i % 3 === 1
            ? server.clinical.query<{ n: number }>('SELECT $1::int + length($2::text) - $3::int AS n', [i, padding, padding.length])
            : server.clinical.transaction(async (tx) => {
                await tx.query('INSERT INTO concurrency_test VALUES ($1)', [i]);
                return tx.query<{ n: number }>('SELECT $1::int + $2::int AS n', [i, 0]);
              }),
      ),
    );
    expect(answers.map((a) => a.rows[0]!.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await server.clinical.exec('DROP TABLE concurrency_test');
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
