/**
 * The participants as the identity store keeps them. Every change is one
 * transaction: a refused or failed change leaves nothing behind.
 */
import type { FacilityKind } from '@renkei/access';
import type { AddFacilityRequest, AddInsurerRequest, AdminFacility, CommitteeApprovalRequest, FacilityStatusEntry, Insurer, PublicFacility, PublicInsurer, StatusChangeRequest, UpdateFacilityRequest } from '@renkei/api';
import type { Db } from '@renkei/store';
import { AdminRefusal } from '../admin-refusal.js';
import { FACILITY_CODE_PROBLEMS, parseFacilityCode } from './facility-code.js';
import { INSURER_NUMBER_PROBLEMS, parseInsurerNumber, type InsurerKind } from './insurer-number.js';
import { canChangeStatus, checkFacilityStatusChange, FACILITY_STATUS_PROBLEMS, todayInJapan, type ParticipantStatus } from './status-rules.js';

/** One answer for a facility that does not exist and one outside the actor's scope. */
export const facilityNotFound = () => new AdminRefusal('not-found', 'facility-not-found', '該当する医療機関が見つかりません');
const insurerNotFound = () => new AdminRefusal('not-found', 'insurer-not-found', '該当する保険者が見つかりません');

interface FacilityRow {
  code: string;
  name: string;
  kind: FacilityKind;
  address: string;
  phone: string;
  status: ParticipantStatus;
  /** Dates are read as text (`::text`): YYYY-MM-DD on both engines, no time zone to get wrong. */
  committee_approved_on: string | null;
  committee_reference: string | null;
  committee_recorded_by: string | null;
}

interface InsurerRow {
  number: string;
  name: string;
  kind: InsurerKind;
  status: ParticipantStatus;
  status_changed_on: string | null;
}

// ---- insurers

export async function listInsurers(db: Db): Promise<Insurer[]> {
  const { rows } = await db.query<InsurerRow>('SELECT number, name, kind, status, status_changed_on::text AS status_changed_on FROM insurers ORDER BY length(number), number');
  return rows.map(insurerOf);
}

/** The insurers taking part today, as the public directory lists them. */
export async function listPublicInsurers(db: Db): Promise<PublicInsurer[]> {
  const { rows } = await db.query<InsurerRow>(`SELECT number, name, kind FROM insurers WHERE status = 'active' ORDER BY length(number), number`);
  return rows.map((r) => ({ number: r.number.trim(), name: r.name, kind: r.kind }));
}

export async function addInsurer(db: Db, insurer: AddInsurerRequest & { status?: ParticipantStatus; statusChangedOn?: string }): Promise<Insurer> {
  const parsed = parseInsurerNumber(insurer.number, insurer.kind);
  if (!parsed.ok) throw new AdminRefusal('invalid', `insurer-number-${parsed.problem}`, INSURER_NUMBER_PROBLEMS[parsed.problem]);
  const { rows } = await db.query<InsurerRow>(
    `INSERT INTO insurers (number, name, kind, status, status_changed_on) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (number) DO NOTHING RETURNING number, name, kind, status, status_changed_on::text AS status_changed_on`,
    [insurer.number, insurer.name, insurer.kind, insurer.status ?? 'applied', insurer.statusChangedOn ?? null],
  );
  if (!rows[0]) throw new AdminRefusal('conflict', 'insurer-exists', `保険者番号 ${insurer.number} は既に登録されています`);
  return insurerOf(rows[0]);
}

export async function updateInsurer(db: Db, number: string, change: { name: string; kind: InsurerKind }): Promise<Insurer> {
  const parsed = parseInsurerNumber(number, change.kind);
  if (!parsed.ok && parsed.problem === 'kind-mismatch') throw new AdminRefusal('invalid', 'insurer-number-kind-mismatch', INSURER_NUMBER_PROBLEMS['kind-mismatch']);
  const { rows } = await db.query<InsurerRow>(
    'UPDATE insurers SET name = $2, kind = $3, updated_at = now() WHERE number = $1 RETURNING number, name, kind, status, status_changed_on::text AS status_changed_on',
    [number, change.name, change.kind],
  );
  if (!rows[0]) throw insurerNotFound();
  return insurerOf(rows[0]);
}

export async function changeInsurerStatus(db: Db, number: string, change: StatusChangeRequest): Promise<Insurer> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<InsurerRow>('SELECT number, name, kind, status, status_changed_on::text AS status_changed_on FROM insurers WHERE number = $1 FOR UPDATE', [number]);
    const insurer = rows[0];
    if (!insurer) throw insurerNotFound();
    if (!canChangeStatus(insurer.status, change.status)) throw new AdminRefusal('conflict', 'transition', FACILITY_STATUS_PROBLEMS.transition);
    if (change.effectiveOn > todayInJapan()) throw new AdminRefusal('conflict', 'in-the-future', FACILITY_STATUS_PROBLEMS['in-the-future']);
    if (insurer.status_changed_on && change.effectiveOn < insurer.status_changed_on) {
      throw new AdminRefusal('conflict', 'before-last-change', FACILITY_STATUS_PROBLEMS['before-last-change']);
    }
    const updated = await tx.query<InsurerRow>(
      'UPDATE insurers SET status = $2, status_changed_on = $3, updated_at = now() WHERE number = $1 RETURNING number, name, kind, status, status_changed_on::text AS status_changed_on',
      [number, change.status, change.effectiveOn],
    );
    return insurerOf(updated.rows[0]!);
  });
}

function insurerOf(row: InsurerRow): Insurer {
  return { number: row.number.trim(), name: row.name, kind: row.kind, status: row.status, statusChangedOn: row.status_changed_on };
}

// ---- facilities

const FACILITY_COLUMNS = 'code, name, kind, address, phone, status, committee_approved_on::text AS committee_approved_on, committee_reference, committee_recorded_by';

export async function listFacilities(db: Db, networkPrefecture: string, only?: string): Promise<AdminFacility[]> {
  const { rows } = await db.query<FacilityRow>(`SELECT ${FACILITY_COLUMNS} FROM facilities WHERE $1::text IS NULL OR code = $1 ORDER BY code`, [only ?? null]);
  const history = await statusHistory(db, rows.map((r) => r.code));
  return rows.map((row) => facilityOf(row, history.get(row.code) ?? [], networkPrefecture));
}

export async function readFacility(db: Db, code: string, networkPrefecture: string): Promise<AdminFacility | undefined> {
  return (await listFacilities(db, networkPrefecture, code))[0];
}

/** The facilities taking part today (active; a suspended one is not shown to the public as open for exchange). */
export async function listPublicFacilities(db: Db): Promise<PublicFacility[]> {
  const { rows } = await db.query<FacilityRow>(`SELECT code, name, kind, address, phone FROM facilities WHERE status = 'active' ORDER BY code`);
  return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, address: r.address, phone: r.phone }));
}

/** Registers an application, from `appliedOn` (default today). Its first status is written to the history, and by whom. */
export async function addFacility(db: Db, facility: AddFacilityRequest, actor: string, networkPrefecture: string): Promise<AdminFacility> {
  const parsed = parseFacilityCode(facility.code, facility.kind);
  if (!parsed.ok) throw new AdminRefusal('invalid', `facility-code-${parsed.problem}`, FACILITY_CODE_PROBLEMS[parsed.problem]);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('renkei.actor', $1, true)`, [actor]);
    const { rows } = await tx.query(
      `INSERT INTO facilities (code, name, kind, address, phone, status) VALUES ($1, $2, $3, $4, $5, 'applied') ON CONFLICT (code) DO NOTHING RETURNING code`,
      [facility.code, facility.name, facility.kind, facility.address, facility.phone],
    );
    if (rows.length === 0) throw new AdminRefusal('conflict', 'facility-exists', `医療機関コード ${facility.code} は既に登録されています`);
    if (facility.appliedOn) {
      if (facility.appliedOn > todayInJapan()) throw new AdminRefusal('invalid', 'in-the-future', FACILITY_STATUS_PROBLEMS['in-the-future']);
      // The insert's own history row (written by the table's trigger) takes the application's date.
      await tx.query('UPDATE facility_status_changes SET effective_on = $2 WHERE facility_code = $1', [facility.code, facility.appliedOn]);
    }
  });
  return (await readFacility(db, facility.code, networkPrefecture))!;
}

export async function updateFacility(db: Db, code: string, change: UpdateFacilityRequest, networkPrefecture: string): Promise<AdminFacility> {
  const { rows } = await db.query(
    `UPDATE facilities SET name = coalesce($2, name), address = coalesce($3, address), phone = coalesce($4, phone), updated_at = now() WHERE code = $1 RETURNING code`,
    [code, change.name ?? null, change.address ?? null, change.phone ?? null],
  );
  if (rows.length === 0) throw facilityNotFound();
  return (await readFacility(db, code, networkPrefecture))!;
}

/** Records the steering committee's approval of a facility outside the prefecture (while it applies). */
export async function recordCommitteeApproval(db: Db, code: string, approval: CommitteeApprovalRequest, actor: string, networkPrefecture: string): Promise<AdminFacility> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<FacilityRow>(`SELECT ${FACILITY_COLUMNS} FROM facilities WHERE code = $1 FOR UPDATE`, [code]);
    const row = rows[0];
    if (!row) throw facilityNotFound();
    if (row.status !== 'applied') throw new AdminRefusal('conflict', 'approval-not-pending', '運営委員会の承認は申請中の医療機関にだけ記録できます');
    await tx.query('UPDATE facilities SET committee_approved_on = $2, committee_reference = $3, committee_recorded_by = $4, updated_at = now() WHERE code = $1', [
      code,
      approval.approvedOn,
      approval.reference,
      actor,
    ]);
  });
  return (await readFacility(db, code, networkPrefecture))!;
}

/** Changes a facility's status from a date, by the rules of `status-rules.ts`, and writes it to the history. */
export async function changeFacilityStatus(db: Db, code: string, change: StatusChangeRequest, actor: string, networkPrefecture: string): Promise<AdminFacility> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<FacilityRow>(`SELECT ${FACILITY_COLUMNS} FROM facilities WHERE code = $1 FOR UPDATE`, [code]);
    const row = rows[0];
    if (!row) throw facilityNotFound();
    const last = await tx.query<{ effective_on: string | null }>('SELECT max(effective_on)::text AS effective_on FROM facility_status_changes WHERE facility_code = $1', [code]);
    const checked = checkFacilityStatusChange(
      {
        prefecture: row.code.slice(0, 2),
        status: row.status,
        committeeApprovedOn: row.committee_approved_on,
        lastEffectiveOn: last.rows[0]?.effective_on ?? '0000-01-01',
      },
      { to: change.status, effectiveOn: change.effectiveOn },
      networkPrefecture,
      todayInJapan(),
    );
    if (!checked.ok) throw new AdminRefusal('conflict', checked.problem, FACILITY_STATUS_PROBLEMS[checked.problem]);
    // A facility that applies again needs the committee again: an old approval was for the old application.
    const clearApproval = change.status === 'applied';
    await tx.query(
      `UPDATE facilities SET status = $2, updated_at = now()${clearApproval ? ', committee_approved_on = NULL, committee_reference = NULL, committee_recorded_by = NULL' : ''} WHERE code = $1`,
      [code, change.status],
    );
    await tx.query('INSERT INTO facility_status_changes (facility_code, status, effective_on, recorded_by, reason) VALUES ($1, $2, $3, $4, $5)', [
      code,
      change.status,
      change.effectiveOn,
      actor,
      change.reason,
    ]);
  });
  return (await readFacility(db, code, networkPrefecture))!;
}

/** The status histories of `codes`, in the order the changes took effect and were recorded. */
export async function statusHistory(db: Db, codes: string[]): Promise<Map<string, FacilityStatusEntry[]>> {
  const { rows } = await db.query<{ facility_code: string; status: ParticipantStatus; effective_on: string; recorded_at: Date | string; recorded_by: string; reason: string }>(
    `SELECT facility_code, status, effective_on::text AS effective_on, recorded_at, recorded_by, reason FROM facility_status_changes
      WHERE facility_code = ANY($1::text[]) ORDER BY facility_code, effective_on, id`,
    [codes],
  );
  const byCode = new Map<string, FacilityStatusEntry[]>();
  for (const r of rows) {
    const entries = byCode.get(r.facility_code) ?? [];
    entries.push({ status: r.status, effectiveOn: r.effective_on, recordedAt: new Date(r.recorded_at).toISOString(), recordedBy: r.recorded_by, reason: r.reason });
    byCode.set(r.facility_code, entries);
  }
  return byCode;
}

function facilityOf(row: FacilityRow, history: FacilityStatusEntry[], networkPrefecture: string): AdminFacility {
  const prefecture = row.code.slice(0, 2);
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    address: row.address,
    phone: row.phone,
    status: row.status,
    prefecture,
    inPrefecture: prefecture === networkPrefecture,
    committeeApproval:
      row.committee_approved_on && row.committee_reference
        ? { approvedOn: row.committee_approved_on, reference: row.committee_reference, recordedBy: row.committee_recorded_by ?? '' }
        : null,
    history,
  };
}
