import type { Db, Stores } from '@renkei/store';

/**
 * Every row of every table of both stores but the audit trail's, as text, in a
 * stable order: two snapshots are equal when nothing but the audit trail changed.
 */
export async function snapshotStores(stores: Stores): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const store of ['identity', 'clinical'] as const) {
    for (const table of await tablesOf(stores[store])) {
      const { rows } = await stores[store].query<{ rows: string | null }>(`SELECT string_agg(t::text, chr(10) ORDER BY t::text) AS rows FROM ${table} t`);
      snapshot[`${store}.${table}`] = rows[0]!.rows ?? '';
    }
  }
  return snapshot;
}

async function tablesOf(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'audit%' ORDER BY table_name",
  );
  return rows.map((r) => r.name);
}
