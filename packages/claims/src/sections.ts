import type { Db } from '@renkei/store';

/**
 * The alphabet part of every 診療行為's 区分 from the imported 医科診療行為 master
 * (about ten thousand codes: small enough to hold for an ingest).
 */
export async function loadSections(clinical: Db): Promise<ReadonlyMap<string, string>> {
  const { rows } = await clinical.query<{ code: string; section: string }>(
    "SELECT DISTINCT ON (code) code, section FROM master_entries WHERE kind = 's' AND section IS NOT NULL AND section <> '' ORDER BY code, (source = 'official') DESC, valid_from DESC",
  );
  return new Map(rows.map((r) => [r.code, r.section.charAt(0)]));
}
