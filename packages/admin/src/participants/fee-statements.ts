/**
 * The month's fees from the status history: the secretariat's list and each
 * facility's statement, as data, CSV or (in @renkei/documents) PDF.
 */
import type { FacilityKind } from '@renkei/access';
import { FACILITY_KIND_LABELS, PARTICIPANT_STATUS_LABELS, type FeeList, type FeeListRow, type FeeStatement } from '@renkei/api';
import type { Db } from '@renkei/store';
import { MONTHLY_BASE_FEE_YEN, monthDays, monthlyFeeYen, statusOn } from './fees.js';
import type { ParticipantStatus } from './status-rules.js';

/** Every facility billed for `month` (YYYY-MM), from the changes in effect by the month's end. */
export async function feeList(db: Db, month: string, only?: string): Promise<FeeList> {
  const { last } = monthDays(month);
  const { rows } = await db.query<{ code: string; name: string; kind: FacilityKind; address: string; status: ParticipantStatus; effective_on: string }>(
    `SELECT f.code, f.name, f.kind, f.address, c.status, c.effective_on::text AS effective_on
       FROM facility_status_changes c JOIN facilities f ON f.code = c.facility_code
      WHERE c.effective_on <= $1 AND ($2::text IS NULL OR f.code = $2)
      ORDER BY f.code, c.effective_on, c.id`,
    [last, only ?? null],
  );
  const byFacility = new Map<string, { facility: (typeof rows)[number]; changes: Array<{ status: ParticipantStatus; effectiveOn: string }> }>();
  for (const row of rows) {
    const entry = byFacility.get(row.code) ?? { facility: row, changes: [] };
    entry.changes.push({ status: row.status, effectiveOn: row.effective_on });
    byFacility.set(row.code, entry);
  }
  const billed: FeeListRow[] = [];
  for (const { facility, changes } of byFacility.values()) {
    const yen = monthlyFeeYen(changes, month);
    if (yen === 0) continue;
    billed.push({ facilityCode: facility.code, facilityName: facility.name, kind: facility.kind, address: facility.address, status: statusOn(changes, last)!, yen });
  }
  return { month, monthlyFeeYen: MONTHLY_BASE_FEE_YEN, rows: billed, totalYen: billed.reduce((sum, row) => sum + row.yen, 0) };
}

/** One facility's statement for `month`, or undefined if it was not billed that month. */
export async function feeStatement(db: Db, month: string, code: string): Promise<FeeStatement | undefined> {
  const row = (await feeList(db, month, code)).rows[0];
  if (!row) return undefined;
  const [year, monthNumber] = month.split('-');
  return {
    month,
    facility: { code: row.facilityCode, name: row.facilityName, address: row.address, kind: row.kind },
    lines: [{ label: `基本利用料（${year}年${Number(monthNumber)}月分）`, yen: row.yen }],
    totalYen: row.yen,
  };
}

/**
 * CSV for the secretariat's spreadsheet: UTF-8 with a byte order mark and CRLF
 * line ends, because Excel in Japan reads a CSV without the mark as Shift_JIS
 * and garbles every name; the mark costs other readers nothing. Amounts are
 * plain integers (yen), no separators, so they stay numbers.
 */
export function feeListCsv(list: FeeList): string {
  return csv([
    ['対象月', '医療機関コード', '医療機関名', '種別', '所在地', '月末の状態', '基本利用料（円）'],
    ...list.rows.map((r) => [list.month, r.facilityCode, r.facilityName, FACILITY_KIND_LABELS[r.kind], r.address, PARTICIPANT_STATUS_LABELS[r.status], String(r.yen)]),
    [list.month, '', '合計', '', '', `${list.rows.length}施設`, String(list.totalYen)],
  ]);
}

export function feeStatementCsv(statement: FeeStatement): string {
  return csv([
    ['対象月', '医療機関コード', '医療機関名', '項目', '金額（円）'],
    ...statement.lines.map((l) => [statement.month, statement.facility.code, statement.facility.name, l.label, String(l.yen)]),
    [statement.month, statement.facility.code, statement.facility.name, '合計', String(statement.totalYen)],
  ]);
}

function csv(rows: string[][]): string {
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Quotes a field that needs it (RFC 4180); a leading =, +, - or @ is prefixed so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
