import { copyRow, type Db } from '@renkei/store';
import { LAYOUTS } from './layouts.js';
import { MasterFileError } from './master-file-error.js';
import type { MasterKind, MasterRecord } from './model.js';

/**
 * How the rows of one master file become versions in master_entries. The rows
 * are first copied into a staging table, then a few set-based statements
 * apply them, so a file of 30,000 rows costs a handful of statements.
 *
 * A row with 変更年月日 D makes the version of its code valid from D (a full
 * entry without one: from its 収載年月日, or since ever); the version in force
 * at D ends at D and the new one ends where that one ended. A change row
 * copies what it leaves empty from the version in force at D (or the nearest
 * one); without a 変更年月日 it corrects the latest version in place. 廃止 ends
 * the version in force on 廃止年月日 the day after and marks the versions up to
 * then abolished, keeping them, so old receipts still find their names.
 */

/** Staging columns, in the order of stagingRow. */
export const STAGING_COLUMNS = [
  'line',
  'role',
  'code',
  'listed_on',
  'changed_on',
  'abolished_on',
  'name',
  'kana',
  'icd10',
  'section',
  'yj_code',
  'generic_name',
  'unit',
  'dosage_form',
  'modifier_position',
] as const;

/** A staging table for one file, dropped when the transaction ends. */
export async function createStaging(tx: Db): Promise<void> {
  await tx.exec(`CREATE TEMP TABLE master_staging (
    line integer NOT NULL,
    role text NOT NULL,
    code text NOT NULL,
    listed_on date,
    changed_on date,
    abolished_on date,
    name text,
    kana text,
    icd10 text,
    section text,
    yj_code text,
    generic_name text,
    unit text,
    dosage_form text,
    modifier_position text
  ) ON COMMIT DROP`);
}

/** One record in text COPY format for the staging table. */
export function stagingRow(record: MasterRecord): string {
  return copyRow([
    record.line,
    record.role,
    record.code,
    record.listedOn,
    record.changedOn,
    record.abolishedOn,
    record.name,
    record.kana,
    record.icd10,
    record.section,
    record.yjCode,
    record.genericName,
    record.unit,
    record.dosageForm,
    record.modifierPosition,
  ]);
}

/** The entries `m` of the code of the staged row `s`. */
const SAME_CODE = `m.kind = $1::char(1) AND m.source = 'official' AND m.code = s.code`;

/** Carried over from the version before when a change row leaves them empty. */
const CARRIED = ['name', 'kana', 'icd10', 'yj_code', 'generic_name', 'unit', 'dosage_form', 'modifier_position', 'abolished_on'];

/**
 * Applies the staged rows of `file` to master_entries. Returns how many rows
 * named a code that has no version to change (a change without a name, or a
 * 廃止) and were therefore not stored.
 */
export async function applyStaged(tx: Db, kind: MasterKind, file: string): Promise<{ unmatched: number }> {
  // Without statistics the planner may scan the staged rows once per entry (minutes instead of milliseconds).
  await tx.exec('ANALYZE master_staging');
  const duplicate = await tx.query<{ code: string; first: number; again: number }>(
    `SELECT code, min(line) AS first, max(line) AS again FROM master_staging GROUP BY code HAVING count(*) > 1 ORDER BY 2 LIMIT 1`,
  );
  if (duplicate.rows[0]) {
    const { code, first, again } = duplicate.rows[0];
    throw new MasterFileError(file, again, LAYOUTS[kind].code.label, `${code} already on line ${first}; a master file lists each code once`);
  }

  await tx.query(
    `CREATE TEMP TABLE master_versions ON COMMIT DROP AS
     SELECT code, valid_from, ${CARRIED.join(', ')}, section,
            CASE WHEN abolished_on >= valid_from THEN least(open_until, abolished_on + 1) ELSE open_until END AS valid_to
     FROM (
       SELECT s.code, s.valid_from,
              ${CARRIED.map((column) => `CASE WHEN s.role = 'entry' THEN s.${column} ELSE coalesce(s.${column}, p.${column}) END AS ${column}`).join(',\n              ')},
              CASE WHEN s.role = 'entry' THEN s.section
                   WHEN s.section IS NULL THEN p.section
                   -- A change row may give only 区分番号 ('705') or only the alphabet part.
                   WHEN s.section ~ '^[0-9]' THEN substring(p.section FROM '^[A-Z]') || s.section
                   WHEN s.section ~ '^[A-Z]$' THEN s.section || substring(p.section FROM 2)
                   ELSE s.section END AS section,
              CASE WHEN p.valid_from <= s.valid_from AND (p.valid_to IS NULL OR p.valid_to > s.valid_from) THEN p.valid_to
                   ELSE n.valid_from END AS open_until
       FROM (
         SELECT s.*, coalesce(
                  s.changed_on,
                  CASE WHEN s.role = 'change' THEN (SELECT max(m.valid_from) FROM master_entries m WHERE ${SAME_CODE}) END,
                  s.listed_on,
                  DATE '0001-01-01') AS valid_from
         FROM master_staging s
         WHERE s.role <> 'abolition'
       ) s
       LEFT JOIN LATERAL (
         SELECT m.* FROM master_entries m WHERE ${SAME_CODE}
         ORDER BY m.valid_from > s.valid_from, abs(m.valid_from - s.valid_from)
         LIMIT 1
       ) p ON true
       LEFT JOIN LATERAL (
         SELECT min(m.valid_from) AS valid_from FROM master_entries m WHERE ${SAME_CODE} AND m.valid_from > s.valid_from
       ) n ON true
     ) v`,
    [kind],
  );
  await tx.exec('ANALYZE master_versions');

  await tx.query(
    `UPDATE master_entries m SET valid_to = s.valid_from
     FROM master_versions s
     WHERE ${SAME_CODE} AND s.name IS NOT NULL
       AND m.valid_from < s.valid_from AND (m.valid_to IS NULL OR m.valid_to > s.valid_from)`,
    [kind],
  );
  const stored = ['valid_to', ...CARRIED, 'section'];
  await tx.query(
    `INSERT INTO master_entries (kind, code, source, valid_from, ${stored.join(', ')})
     SELECT $1::char(1), code, 'official', valid_from, ${stored.join(', ')} FROM master_versions WHERE name IS NOT NULL
     ON CONFLICT (kind, code, source, valid_from) DO UPDATE SET ${stored.map((column) => `${column} = excluded.${column}`).join(', ')}`,
    [kind],
  );

  // A version due to start after the code ends never takes effect.
  await tx.query(
    `DELETE FROM master_entries m USING master_staging s
     WHERE s.role = 'abolition' AND ${SAME_CODE} AND m.valid_from > s.abolished_on`,
    [kind],
  );
  await tx.query(
    `UPDATE master_entries m
     SET abolished_on = s.abolished_on,
         valid_to = CASE WHEN m.valid_to IS NULL OR m.valid_to > s.abolished_on + 1 THEN s.abolished_on + 1 ELSE m.valid_to END
     FROM master_staging s
     WHERE s.role = 'abolition' AND ${SAME_CODE} AND m.valid_from <= s.abolished_on`,
    [kind],
  );

  const unmatched = await tx.query<{ count: number }>(
    `SELECT (SELECT count(*) FROM master_versions WHERE name IS NULL)
          + (SELECT count(*) FROM master_staging s
             WHERE s.role = 'abolition' AND NOT EXISTS (SELECT 1 FROM master_entries m WHERE ${SAME_CODE} AND m.valid_from <= s.abolished_on))
          AS count`,
    [kind],
  );
  return { unmatched: Number(unmatched.rows[0]!.count) };
}
