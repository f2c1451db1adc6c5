import type { Db } from '@renkei/store';

/** One stored event with what its receipt says about where and when. */
export interface EventRecord {
  receipt_id: string;
  category: 'diagnosis' | 'medication' | 'procedure' | 'test';
  code_kind: 'b' | 's' | 'y' | 't';
  code: string;
  name: string | null;
  modifiers: string | null;
  icd10: string | null;
  start_date: string | null;
  outcome: number | null;
  suspected: boolean | null;
  main: boolean | null;
  dates: string[] | null;
  quantity: string | number | null;
  times: number | null;
  days: number | null;
  route: string | null;
  usage: string | null;
  group_no: number | null;
  material: boolean;
  service_month: string;
  facility_code: string;
  facility_name: string | null;
  prescriber_code: string | null;
  prescriber_name: string | null;
  kind: 'medical' | 'dpc' | 'dental' | 'pharmacy';
  /** The receipt's stay (入院): admission and discharge (YYYY-MM-DD), DPC code; all null for an outpatient receipt. */
  inpatient?: boolean;
  admitted_on?: string | null;
  discharged_on?: string | null;
  dpc_code?: string | null;
}

/** Every current event of the given pseudonyms, oldest month first (receipts by pseudonym, then their events, by index). */
export async function readEvents(clinical: Db, pseudonyms: readonly string[]): Promise<EventRecord[]> {
  const { rows } = await clinical.query<EventRecord>(
    `SELECT e.receipt_id, e.category, e.code_kind, e.code, e.name, e.modifiers, e.icd10,
            to_char(e.start_date, 'YYYY-MM-DD') AS start_date, e.outcome, e.suspected, e.main,
            array_to_string(e.dates, ',') AS dates, e.quantity, e.times, e.days, e.route, e.usage, e.group_no, e.material,
            to_char(r.service_month, 'YYYY-MM') AS service_month,
            r.facility_code, r.facility_name, r.prescriber_code, r.prescriber_name, r.kind, r.inpatient,
            to_char(r.admitted_on, 'YYYY-MM-DD') AS admitted_on, to_char(r.discharged_on, 'YYYY-MM-DD') AS discharged_on, r.dpc_code
       FROM receipts r
       JOIN events e ON e.receipt_id = r.id
      WHERE r.pseudonym = ANY($1::uuid[]) AND r.superseded_by IS NULL
      ORDER BY r.service_month, r.id`,
    [pseudonyms],
  );
  // Dates travel as text: both engines then return the same thing, with no time-zone shifts.
  for (const row of rows) row.dates = row.dates ? (row.dates as unknown as string).split(',') : [];
  return rows;
}

/** Whether any current receipt of these pseudonyms (a person's enrollments) comes from the facility: whether the facility has treated the person. */
export async function hasClaimsFrom(clinical: Db, pseudonyms: readonly string[], facilityCode: string): Promise<boolean> {
  if (pseudonyms.length === 0) return false;
  const { rows } = await clinical.query(
    'SELECT 1 FROM receipts WHERE pseudonym = ANY($1::uuid[]) AND (facility_code = $2 OR prescriber_code = $2) AND superseded_by IS NULL LIMIT 1',
    [[...pseudonyms], facilityCode],
  );
  return rows.length > 0;
}
