import type { Db } from '@renkei/store';

export type FacilityKind = 'hospital' | 'clinic' | 'dental-clinic' | 'pharmacy';

export interface Facility {
  code: string;
  name: string;
  kind: FacilityKind;
}

/** Registers a participating facility, or renames it if known. */
export async function upsertFacility(db: Db, facility: Facility): Promise<void> {
  await db.query(
    'INSERT INTO facilities (code, name, kind) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind',
    [facility.code, facility.name, facility.kind],
  );
}

/** The names of the given facilities, by code. */
export async function facilityNames(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.query<{ code: string; name: string }>('SELECT code, name FROM facilities WHERE code = ANY($1::text[])', [[...new Set(codes)]]);
  return new Map(rows.map((f) => [f.code.trim(), f.name]));
}

/** A facility's participation status (applied, active, suspended, left), if it is known. */
export async function facilityStatus(db: Db, code: string): Promise<string | undefined> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM facilities WHERE code = $1', [code]);
  return rows[0]?.status;
}
