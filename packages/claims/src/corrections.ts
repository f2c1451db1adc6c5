import type { Db } from '@renkei/store';

/**
 * A receipt re-submitted for the same person, insurer, facility, 診療年月 and
 * kind (入院 or 外来) replaces the earlier one: the one billed later wins (ties:
 * the one ingested later). The replaced receipt stays, with its events, marked
 * superseded and naming the file whose ingest replaced it (`superseded_in`), so
 * that the history shows each month's receipt once and an undo of that file
 * can bring it back. Only files ingested before this file's delivery are
 * compared (claim_files ids are time-ordered; the volumes of one delivery do
 * not correct one another). Returns how many receipts were superseded.
 */
export async function applyCorrections(clinical: Db, fileId: string, deliveryId: string = fileId): Promise<number> {
  const { rows } = await clinical.query<{ n: string }>(
    `WITH pairs AS (${CORRECTION_PAIRS}),
     superseded AS (
       UPDATE receipts r
          SET superseded_by = CASE WHEN p.old_is_later THEN p.old_id ELSE p.new_id END, superseded_in = $1
         FROM pairs p
        WHERE r.id = CASE WHEN p.old_is_later THEN p.new_id ELSE p.old_id END
       RETURNING r.id
     )
     SELECT count(*) AS n FROM superseded`,
    [fileId, deliveryId],
  );
  return Number(rows[0]!.n);
}

/** What a file would do to the receipts stored before it: new ones, replacements, and replacements identical to what they replace. */
export interface CorrectionPlan {
  receiptsNew: number;
  receiptsReplaced: number;
  receiptsUnchanged: number;
}

/**
 * Compares a file's receipts with the stored receipts they would replace (see
 * `applyCorrections`): a receipt is unchanged when it bills the same and all its
 * events are the same. For a dry run: it reads every event of each pair.
 */
export async function planCorrections(clinical: Db, fileId: string, deliveryId: string = fileId): Promise<CorrectionPlan> {
  const { rows } = await clinical.query<{ total: string; paired: string; unchanged: string }>(
    `WITH pairs AS (${CORRECTION_PAIRS}),
     compared AS (
       SELECT p.new_id, bool_and(
                n.receipt_type = o.receipt_type AND n.points IS NOT DISTINCT FROM o.points
                AND n.prescriber_code IS NOT DISTINCT FROM o.prescriber_code AND n.birth_year = o.birth_year AND n.sex = o.sex
                AND ${EVENTS_OF('n.id')} IS NOT DISTINCT FROM ${EVENTS_OF('o.id')}) AS same
         FROM pairs p JOIN receipts n ON n.id = p.new_id JOIN receipts o ON o.id = p.old_id
        GROUP BY p.new_id
     )
     SELECT (SELECT count(*) FROM receipts WHERE file_id = $1) AS total,
            (SELECT count(*) FROM compared) AS paired,
            (SELECT count(*) FROM compared WHERE same) AS unchanged`,
    [fileId, deliveryId],
  );
  const { total, paired, unchanged } = rows[0]!;
  return { receiptsNew: Number(total) - Number(paired), receiptsReplaced: Number(paired) - Number(unchanged), receiptsUnchanged: Number(unchanged) };
}

/** Each receipt of file $1 with the current receipt of an earlier delivery (before $2) that it corrects. */
const CORRECTION_PAIRS = `
  -- One index probe per receipt of this file (OFFSET 0 keeps the planner from turning it into a hash join).
  SELECT o.id AS old_id, n.id AS new_id,
         coalesce(o.billing_month, '-infinity') > coalesce(n.billing_month, '-infinity') AS old_is_later
    FROM receipts n
    CROSS JOIN LATERAL (
      SELECT id, billing_month FROM receipts o
       WHERE o.pseudonym = n.pseudonym AND o.insurer_number = n.insurer_number AND o.facility_code = n.facility_code
         AND o.service_month = n.service_month AND o.kind = n.kind AND o.inpatient = n.inpatient
         AND o.superseded_by IS NULL AND o.file_id < $2::uuid
      OFFSET 0
    ) o
   WHERE n.file_id = $1::uuid`;

/** A receipt's events as one comparable text, in a stable order. */
const EVENTS_OF = (receipt: string) => `(
  SELECT string_agg(t, chr(10) ORDER BY t) FROM (
    SELECT row(e.category, e.code_kind, e.code, e.name, e.modifiers, e.icd10, e.start_date, e.outcome, e.suspected, e.main,
               e.dates, e.quantity, e.times, e.days, e.route, e.usage, e.practice, e.group_no, e.material)::text AS t
      FROM events e WHERE e.receipt_id = ${receipt}) s)`;
