import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.js';

/**
 * Starts an embedded PostgreSQL. Its buffer pool is 16 MB, not PostgreSQL's
 * 128 MB: PGlite zeroes the pool at every start (0.3–0.5 s on a 2-core machine,
 * and every CLI command opens two stores), and its file reads go through the
 * operating system's page cache, which keeps the data warm in any case.
 */
export function createPglite(options: Omit<PGliteOptions, 'startParams'>): Promise<PGlite> {
  return PGlite.create({ ...options, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
}

type PgliteLike = PGlite | Transaction;

/**
 * A Db over an embedded PGlite database: a directory, or memory when `dataDir`
 * is undefined; `loadDataDir` starts it from a dump (see `dumpPglite`).
 */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Db> {
  const pg = await createPglite({ ...(dataDir === undefined ? {} : { dataDir }), ...(loadDataDir ? { loadDataDir } : {}) });
  return wrap(pg, pg, () => pg.dumpDataDir('none'));
}

/** A dump of a PGlite Db's whole data directory (tests start fresh databases from one). */
export function dumpPglite(db: Db): Promise<Blob> {
  const dump = dumps.get(db);
  if (!dump) throw new Error('not a PGlite database');
  return dump();
}

const dumps = new WeakMap<Db, () => Promise<Blob>>();

function wrap(handle: PgliteLike, root: PGlite | undefined, dump?: () => Promise<Blob>): Db {
  const db: Db = {
    engine: 'pglite',
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await handle.query<R>(sql, params);
      return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      await handle.exec(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      if (!root) return work(db); // already inside one: PGlite has no nested transactions
      return root.transaction((tx) => work(wrap(tx, undefined)));
    },
    async copyFrom(table: string, columns: readonly string[], text: string | Uint8Array) {
      if (text.length === 0) return 0;
      const result = await handle.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], {
        // The text is the caller's own buffer, never a shared one (Blob's type asks for that).
        blob: new Blob([text as string | Uint8Array<ArrayBuffer>]),
      });
      return result.affectedRows ?? 0;
    },
    async copyTo(query: string) {
      const result = await handle.query(`COPY (${query}) TO '/dev/blob'`);
      return result.blob ? await result.blob.text() : '';
    },
    async close() {
      if (root) await root.close();
    },
  };
  if (dump) dumps.set(db, dump);
  return db;
}
