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
