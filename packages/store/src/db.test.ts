import { afterEach, describe, expect, it } from 'vitest';
import { copyRow, type Db } from './db.js';
import { migrate } from './migrations.js';
import { openTestDb, testEngines } from './testing.js';

describe('the embedded engine', () => {
  it('starts with a 16 MB buffer pool, which it zeroes at every start', async () => {
    const db = await openTestDb('pglite');
    try {
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
    } finally {
      await db.close();
    }
  });
});

describe.each(testEngines())('Db on %s', (engine) => {
  let db: Db;
  afterEach(async () => db?.close());

  it('applies the migrations once, however often it starts', async () => {
    db = await openTestDb(engine);
    const first = await migrate(db, 'clinical');
    expect(first.length).toBeGreaterThan(0);
    expect(await migrate(db, 'clinical')).toEqual([]);
  });

  it('bulk-loads text COPY rows, escapes included, inside a transaction', async () => {
    db = await openTestDb(engine);
    await db.exec('CREATE TABLE t (a text, b integer, c date[])');
    const text = copyRow(['tab\there', 1, '{2024-01-02,2024-01-05}']) + copyRow(['back\\slash\nnewline', null, null]);
    const count = await db.transaction((tx) => tx.copyFrom('t', ['a', 'b', 'c'], text));
    expect(count).toBe(2);
    const { rows } = await db.query<{ a: string; b: number | null }>('SELECT a, b FROM t ORDER BY a');
    expect(rows).toEqual([
      { a: 'back\\slash\nnewline', b: null },
      { a: 'tab\there', b: 1 },
    ]);
    // …and COPY out gives back the same text, escapes and all.
    expect(await db.copyTo('SELECT a, b, c FROM t ORDER BY b')).toBe(text);
  });

  it('rolls back everything a failed transaction wrote, COPY included', async () => {
    db = await openTestDb(engine);
    await db.exec('CREATE TABLE t (a text NOT NULL)');
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom('t', ['a'], copyRow(['kept?']));
        await tx.query('INSERT INTO t (a) VALUES (NULL)');
      }),
    ).rejects.toThrow();
    expect((await db.query('SELECT * FROM t')).rows).toEqual([]);
  });
});
