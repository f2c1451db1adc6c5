import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { migrate, type StoreName } from './migrations.js';
import { openTestDb, testEngines } from './testing.js';

const migrationsDir = (store: StoreName) => fileURLToPath(new URL(`../migrations/${store}/`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The identity migrations released before the migrator kept checksums.
const releasedBeforeChecksums = ['001_persons.sql', '002_access.sql', '003_consent.sql', '004_person_links.sql', '005_my_number.sql', '006_accounts_admin.sql', '007_participants.sql'];

/** 005_my_number.sql as it read after its edit in place (the 'identify' purpose added). */
const editedMyNumber = (sql: string) => {
  const edited = sql.replace("CHECK (purpose IN ('bind', 'present'))", "CHECK (purpose IN ('bind', 'present', 'identify'))");
  if (edited === sql) throw new Error('005_my_number.sql no longer has the check it was edited in');
  return edited;
};

/** Applies identity files as Renkei did before it kept checksums, each as `text` gives it (by default as it is now). */
async function migrateAsBeforeChecksums(db: Db, text: (name: string, sql: string) => string = (_, sql) => sql): Promise<void> {
  await db.exec('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const name of releasedBeforeChecksums) {
    await db.exec(text(name, await readFile(migrationsDir('identity') + name, 'utf8')));
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
  }
}

/** Everything a migration can shape in the public schema, each as PostgreSQL prints it back. */
async function schemaOf(db: Db): Promise<Record<string, unknown[]>> {
  const rows = async (sql: string) => (await db.query(sql)).rows;
  return {
    columns: await rows(`SELECT table_name, ordinal_position, column_name, data_type, udt_name, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`),
    constraints: await rows(`SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
    indexes: await rows(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
    types: await rows(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1`),
    sequences: await rows(`SELECT sequencename, data_type, start_value, increment_by FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`),
    functions: await rows(`SELECT proname, pg_get_functiondef(oid) AS definition FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1`),
    triggers: await rows(`SELECT tgrelid::regclass::text AS "table", tgname, pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`),
    views: await rows(`SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1`),
  };
}

describe.each(testEngines())('migrations on %s', (engine) => {
  const opened: Db[] = [];
  const emptyDb = async () => {
    const db = await openTestDb(engine);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it("keeps each applied file's SHA-256, taking those of a database migrated before checksums as they are", async () => {
    const db = await emptyDb();
    await migrateAsBeforeChecksums(db);
    const applied = await migrate(db, 'identity');
    expect(applied[0]).toBe('008_my_number_identify.sql');
    const files = (await readdir(migrationsDir('identity'))).filter((f) => f.endsWith('.sql')).sort();
    const expected = await Promise.all(files.map(async (name) => ({ name, sha256: sha256(await readFile(migrationsDir('identity') + name, 'utf8')) })));
    expect((await db.query('SELECT name, sha256 FROM schema_migrations ORDER BY name')).rows).toEqual(expected);
    expect(await migrate(db, 'identity')).toEqual([]);
  });

  it('refuses to start when an applied file has changed, naming the file, and applies nothing after it', async () => {
    const db = await emptyDb();
    await migrate(db, 'identity');
    // This database applied 005 as it read after its edit; the file holds the text first released.
    const edited = editedMyNumber(await readFile(migrationsDir('identity') + '005_my_number.sql', 'utf8'));
    await db.query("UPDATE schema_migrations SET sha256 = $1 WHERE name = '005_my_number.sql'", [sha256(edited)]);
    await db.query("DELETE FROM schema_migrations WHERE name = '008_my_number_identify.sql'");
    await expect(migrate(db, 'identity')).rejects.toThrow(
      /^identity migration 005_my_number\.sql has changed since this database applied it \(SHA-256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\): applied migrations are never edited; restore the file and put the change in a new migration$/,
    );
    expect((await db.query("SELECT 1 FROM schema_migrations WHERE name = '008_my_number_identify.sql'")).rows).toEqual([]);
  });

  it('brings a database that applied 005 before its edit, or after it, to the schema of a fresh one', async () => {
    const fresh = await emptyDb();
    await migrate(fresh, 'identity');
    const beforeEdit = await emptyDb();
    await migrateAsBeforeChecksums(beforeEdit);
    await expect(beforeEdit.query("INSERT INTO my_number_challenges (challenge, session_token_hash, purpose, expires_at) VALUES ('c', 'none', 'identify', now())")).rejects.toThrow(
      /my_number_challenges_purpose_check/,
    );
    await migrate(beforeEdit, 'identity');
    const afterEdit = await emptyDb();
    await migrateAsBeforeChecksums(afterEdit, (name, sql) => (name === '005_my_number.sql' ? editedMyNumber(sql) : sql));
    await migrate(afterEdit, 'identity');

    const schema = await schemaOf(fresh);
    expect(schema.constraints).toContainEqual({
      table: 'my_number_challenges',
      conname: 'my_number_challenges_purpose_check',
      definition: "CHECK ((purpose = ANY (ARRAY['bind'::text, 'present'::text, 'identify'::text])))",
    });
    expect(await schemaOf(beforeEdit)).toEqual(schema);
    expect(await schemaOf(afterEdit)).toEqual(schema);
  });
});
