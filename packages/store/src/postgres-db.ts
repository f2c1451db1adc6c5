import { createHash } from 'node:crypto';
import pg from 'pg';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import type { Db, QueryResult } from './db.js';

/**
 * A Db over a PostgreSQL server; `url` is a postgres:// connection string.
 * Queries are prepared once per connection (`prepare`, on by default): a server
 * asks the same few questions thousands of times, and planning them again each
 * time costs as much as running them. A PGlite shared over its socket needs it
 * off: its connections share one backend, where statement names would collide.
 */
export async function openPostgres(url: string, options: { prepare?: boolean; connections?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.connections ?? 8 });
  // An idle connection the server closed (restart, terminated backend) is dropped
  // by the pool and replaced on the next query; it must not bring the process down.
  pool.on('error', () => undefined);
  // Fail at open, with the server's reason, rather than at the first query.
  const probe = await pool.connect();
  probe.release();
  return poolDb(pool, options.prepare ?? true ? statementNames() : () => undefined);
}

type StatementName = (sql: string) => string | undefined;

/** Names for statements, by their text; a bounded number, in case some caller builds SQL text with values in it. */
function statementNames(): StatementName {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined && names.size < 500 && sql.length < 8000) {
      name = `renkei_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
      names.set(sql, name);
    }
    return name;
  };
}

function poolDb(pool: pg.Pool, nameOf: StatementName): Db {
  return {
    engine: 'postgres',
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await pool.query({ text: sql, values: params, name: nameOf(sql) });
      return { rows: result.rows as R[], affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(clientDb(client, nameOf));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async copyFrom(table, columns, text) {
      const client = await pool.connect();
      try {
        return await copyWith(client, table, columns, text);
      } finally {
        client.release();
      }
    },
    async copyTo(query) {
      const client = await pool.connect();
      try {
        return await copyOut(client, query);
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function clientDb(client: pg.PoolClient, nameOf: StatementName): Db {
  const db: Db = {
    engine: 'postgres',
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query({ text: sql, values: params, name: nameOf(sql) });
      return { rows: result.rows as R[], affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>) {
      return work(db);
    },
    copyFrom: (table, columns, text) => copyWith(client, table, columns, text),
    copyTo: (query) => copyOut(client, query),
    async close() {},
  };
  return db;
}

function copyWith(client: pg.PoolClient, table: string, columns: readonly string[], text: string | Uint8Array): Promise<number> {
  if (text.length === 0) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    stream.on('finish', () => resolve(Number(stream.rowCount ?? 0)));
    stream.on('error', reject);
    stream.end(text);
  });
}

async function copyOut(client: pg.PoolClient, query: string): Promise<string> {
  const chunks: Buffer[] = [];
  const stream = client.query(copyToStdout(`COPY (${query}) TO STDOUT`));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
