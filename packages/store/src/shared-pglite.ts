/**
 * PGlite belongs to one process. While the server holds an embedded store, it
 * serves it on a Unix socket in the data directory (pglite-socket), and every
 * process, the server included, reaches it through that socket: the socket
 * server's multiplexer keeps each connection's transactions whole, which it
 * could not do for queries that went around it.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Db } from './db.js';
import { createPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';

/** libpq's socket file name for the default port, so that `host=<dir>` finds it. */
const SOCKET_FILE = '.s.PGSQL.5432';

export const socketDirOf = (dataDir: string, store: string) => path.join(dataDir, 'sockets', store);

const socketUrl = (socketDir: string) => `postgres://postgres@/postgres?host=${encodeURIComponent(socketDir)}`;

/**
 * How a process talks to a served PGlite: one connection, without named
 * statements. The socket server hands each connection's messages to the one
 * backend as they arrive, so two connections of one process could interleave
 * one query's parse and another's bind; one connection keeps each query whole,
 * and a transaction keeps it until it ends.
 */
const SERVED = { prepare: false, connections: 1 };

/** Opens the embedded store in `dbDir` and serves it at `socketDir`; the Db returned goes through the socket too. */
export async function openSharedPglite(dbDir: string, socketDir: string): Promise<Db> {
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  const socketPath = path.join(socketDir, SOCKET_FILE);
  const pglite = await createPglite({ dataDir: dbDir });
  const server = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 64 });
  await server.start();
  let db: Db;
  try {
    db = servedDb(await openPostgres(socketUrl(socketDir), SERVED));
  } catch (error) {
    await server.stop();
    await pglite.close();
    throw error;
  }
  return {
    ...db,
    async close() {
      await db.close();
      await server.stop();
      await pglite.close();
      await rm(socketPath, { force: true });
    },
  };
}

/** The store served at `socketDir` by a running server, if there is one; a socket left by a crashed one is removed. */
export async function connectToSharedPglite(socketDir: string): Promise<Db | undefined> {
  const socketPath = path.join(socketDir, SOCKET_FILE);
  try {
    await access(socketPath);
  } catch {
    return undefined;
  }
  try {
    return servedDb(await openPostgres(socketUrl(socketDir), SERVED));
  } catch (error) {
    if (!/ECONNREFUSED|ENOENT/.test(String((error as Error).message ?? error))) throw error;
    await rm(socketPath, { force: true });
    return undefined;
  }
}

/**
 * PGlite takes COPY only from its own process (its /dev/blob), not over the
 * wire; through the socket, rows in COPY text format are inserted as a JSON
 * record set instead, in one statement, typed by the table itself.
 */
function servedDb(db: Db): Db {
  return {
    ...db,
    async copyFrom(table, columns, text) {
      const rows = parseCopyText(typeof text === 'string' ? text : new TextDecoder().decode(text), columns);
      if (rows.length === 0) return 0;
      const list = columns.join(', ');
      const result = await db.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows)]);
      return result.affectedRows;
    },
    async copyTo() {
      throw new Error('COPY TO is not available through a store another process holds: stop the server first');
    },
    transaction: (work) => db.transaction((tx) => work(servedDb(tx))),
  };
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Rows of PostgreSQL's COPY text format as objects; \N is null. */
export function parseCopyText(text: string, columns: readonly string[]): Array<Record<string, string | null>> {
  const rows: Array<Record<string, string | null>> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split('\t');
    const row: Record<string, string | null> = {};
    columns.forEach((column, i) => {
      const field = fields[i] ?? '\\N';
      row[column] = field === '\\N' ? null : field.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
    });
    rows.push(row);
  }
  return rows;
}
