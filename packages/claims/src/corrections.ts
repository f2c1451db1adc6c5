import type { Db } from '@renkei/store';

/**
 * A receipt re-submitted for the same person, insurer, facility, 診療年月 and
 * kind (入院 or 外来) replaces the earlier one: the one billed later wins (ties:
 * the one ingested later). The replaced receipt stays, marked superseded, and
 * its events go, so the history shows each month's receipt once. Only files
 * ingested before this one are compared (claim_files ids are time-ordered).
 * Returns how many receipts were superseded.
 */
export async function applyCorrections(clinical: Db, fileId: string): Promise<number> {
  const { rows } = await clinical.query<{ superseded: string }>(
    `WITH pairs AS (
       -- One index probe per receipt of this file (OFFSET 0 keeps the planner from turning it into a hash join).
       SELECT o.id AS old_id, n.id AS new_id,
              coalesce(o.billing_month, '-infinity') > coalesce(n.billing_month, '-infinity') AS old_is_later
         FROM receipts n
         CROSS JOIN LATERAL (
           SELECT id, billing_month FROM receipts o
            WHERE o.pseudonym = n.pseudonym AND o.insurer_number = n.insurer_number AND o.facility_code = n.facility_code
              AND o.service_month = n.service_month AND o.kind = n.kind AND o.inpatient = n.inpatient
              AND o.superseded_by IS NULL AND o.file_id < n.file_id
           OFFSET 0
         ) o
        WHERE n.file_id = $1
     )
     UPDATE receipts r
        SET superseded_by = CASE WHEN p.old_is_later THEN p.old_id ELSE p.new_id END
       FROM pairs p
      WHERE r.id = CASE WHEN p.old_is_later THEN p.new_id ELSE p.old_id END
     RETURNING r.id AS superseded`,
    [fileId],
  );
  if (rows.length === 0) return 0;
  await clinical.query('DELETE FROM events WHERE receipt_id = ANY($1::uuid[])', [rows.map((r) => r.superseded)]);
  return rows.length;
}
