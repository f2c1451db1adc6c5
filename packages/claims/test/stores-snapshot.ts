import type { Db, Stores } from '@renkei/store';

/**
 * A digest of every row of every table of both stores but the audit trail's,
 * per table: two snapshots are equal when nothing but the audit trail changed.
 */
export async function snapshotStores(stores: Stores): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const store of ['identity', 'clinical'] as const) {
    const db = stores[store];
    const tables = await tablesOf(db);
    const { rows } = await db.query<{ name: string; rows: string }>(
      tables.map((table) => `SELECT '${table}' AS name, count(*) || ' ' || coalesce(md5(string_agg(t::text, chr(10) ORDER BY t::text)), '') AS rows FROM ${table} t`).join(' UNION ALL '),
    );
    for (const row of rows) snapshot[`${store}.${row.name}`] = row.rows;
  }
  return snapshot;
}

const tableLists = new WeakMap<Db, Promise<string[]>>();

function tablesOf(db: Db): Promise<string[]> {
  let tables = tableLists.get(db);
  if (!tables) {
    tables = db
      .query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'audit%' ORDER BY table_name",
      )
      .then(({ rows }) => rows.map((r) => r.name));
    tableLists.set(db, tables);
  }
  return tables;
}
