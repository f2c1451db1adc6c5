import type { Db } from '@renkei/store';
import type { MasterEntry, MasterKind } from './model.js';

/** A code of the demo vocabulary: a name, and whatever else the demo shows. */
export type VocabularyEntry = { kind: MasterKind; code: string; name: string } & Partial<Omit<MasterEntry, 'name'>>;

/**
 * Stores a small vocabulary with source 'demo', valid at all times, for a demo
 * without the official masters. Official entries of the same codes win in
 * lookups; entries already present are left as they are. Returns how many were new.
 *
 * @example
 *   await importVocabulary(db, [{ kind: 'b', code: '2500013', name: '糖尿病', icd10: 'E14' }]);
 */
export async function importVocabulary(db: Db, entries: readonly VocabularyEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const column = <K extends keyof VocabularyEntry>(key: K) => entries.map((entry) => entry[key] ?? null);
  const { affectedRows } = await db.query(
    `INSERT INTO master_entries
       (kind, code, source, valid_from, valid_to, name, kana, icd10, section, yj_code, generic_name, unit, dosage_form, modifier_position)
     SELECT kind, code, 'demo', DATE '0001-01-01', NULL, name, kana, icd10, section, yj_code, generic_name, unit, dosage_form, modifier_position
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
       AS v (kind, code, name, kana, icd10, section, yj_code, generic_name, unit, dosage_form, modifier_position)
     ON CONFLICT (kind, code, source, valid_from) DO NOTHING`,
    [
      column('kind'),
      column('code'),
      column('name'),
      column('kana'),
      column('icd10'),
      column('section'),
      column('yjCode'),
      column('genericName'),
      column('unit'),
      column('dosageForm'),
      column('modifierPosition'),
    ],
  );
  return affectedRows;
}
