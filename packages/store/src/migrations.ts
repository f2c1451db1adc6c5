import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

export type StoreName = 'identity' | 'clinical';

const migrationsDir = (store: StoreName) => fileURLToPath(new URL(`../migrations/${store}/`, import.meta.url));

interface MigrationFile {
  name: string;
  sql: string;
  sha256: string;
}

/**
 * Applies the store's SQL migrations that are not yet applied, each in its own
 * transaction, in file-name order. The same files serve PGlite and PostgreSQL.
 *
 * Migrations are append-only: each applied file's SHA-256 is kept, and a start
 * is refused when an applied file no longer has it (a change goes into a new
 * file, which every database then applies alike). Files applied before
 * checksums were kept are trusted as they are now. The two 001 files were
 * rewritten while the first schema was being written, before anything could be
 * deployed: no database in use holds their earlier text, so they stand as they
 * are; 005_my_number.sql holds the text first applied, and 008 carries its edit.
 */
export async function migrate(db: Db, store: StoreName): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
  ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS sha256 text`);
  const files = await readMigrations(store);
  await checkApplied(db, store, files);
  const applied = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
  const newlyApplied: string[] = [];
  for (const file of files) {
    if (applied.has(file.name)) continue;
    await db.transaction(async (tx) => {
      // Serializes concurrent starts against one server: the second waits, then finds the row.
      await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file.name]);
      if (again.rows.length > 0) return;
      await tx.exec(file.sql);
      await tx.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [file.name, file.sha256]);
      newlyApplied.push(file.name);
    });
  }
  return newlyApplied;
}

async function readMigrations(store: StoreName): Promise<MigrationFile[]> {
  const dir = migrationsDir(store);
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(dir + name);
      return { name, sql: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

/** Refuses files changed since they were applied; records the checksums of files applied before checksums were kept. */
async function checkApplied(db: Db, store: StoreName, files: MigrationFile[]): Promise<void> {
  const byName = new Map(files.map((file) => [file.name, file]));
  await db.transaction(async (tx) => {
    await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
    const { rows } = await tx.query<{ name: string; sha256: string | null }>('SELECT name, sha256 FROM schema_migrations ORDER BY name');
    for (const row of rows) {
      const file = byName.get(row.name);
      if (!file) continue; // applied by a newer Renkei than this one
      if (row.sha256 === null) {
        await tx.query('UPDATE schema_migrations SET sha256 = $2 WHERE name = $1', [row.name, file.sha256]);
      } else if (row.sha256 !== file.sha256) {
        throw new Error(
          `${store} migration ${row.name} has changed since this database applied it (SHA-256 ${row.sha256.slice(0, 12)}… then, ${file.sha256.slice(0, 12)}… now): ` +
            'applied migrations are never edited; restore the file and put the change in a new migration',
        );
      }
    }
  });
}
