import pg from 'pg';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import type { Db, QueryResult } from './db.js';

/** A Db over a PostgreSQL server; `url` is a postgres:// connection string. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // An idle connection the server closed (restart, terminated backend) is dropped
  // by the pool and replaced on the next query; it must not bring the process down.
  pool.on('error', () => undefined);
  // Fail at open, with the server's reason, rather than at the first query.
  const probe = await pool.connect();
  probe.release();
  return poolDb(pool);
}

function poolDb(pool: pg.Pool): Db {
  return {
    engine: 'postgres',
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await pool.query(sql, params);
      return { rows: result.rows as R[], affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(clientDb(client));
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

function clientDb(client: pg.PoolClient): Db {
  const db: Db = {
    engine: 'postgres',
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query(sql, params);
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
