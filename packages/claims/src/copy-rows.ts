/** The receipt and event rows of the clinical store, in text COPY format. Pure. */
import { copyArray, copyRow } from '@renkei/store';
import type { ClaimFileHeader, Receipt } from '@renkei/uke';
import type { HistoryEvent } from './history-events.js';

export const RECEIPT_COLUMNS = [
  'id', 'file_id', 'pseudonym', 'kind', 'receipt_type', 'inpatient', 'service_month', 'billing_month', 'facility_code',
  'facility_name', 'prescriber_code', 'prescriber_name', 'insurer_number', 'birth_year', 'sex', 'points',
] as const;

export const EVENT_COLUMNS = [
  'receipt_id', 'category', 'code_kind', 'code', 'name', 'modifiers', 'icd10', 'start_date',
  'outcome', 'suspected', 'main', 'dates', 'quantity', 'times', 'days', 'route', 'usage', 'practice', 'group_no', 'material',
] as const;

/** The insurer a receipt is billed to: the HO 保険者番号, or the first 公費 for 公費単独. */
export function insurerOf(receipt: Receipt): string {
  return receipt.insurance?.insurerNumber ?? receipt.publicPrograms[0]?.payerNumber ?? '';
}

export function receiptRow(id: string, fileId: string, pseudonym: string, header: ClaimFileHeader, receipt: Receipt): string {
  return copyRow([
    id,
    fileId,
    pseudonym,
    header.kind,
    receipt.receiptType,
    // レセプト種別: the 4th digit is odd for 入院, even for 入院外.
    Number(receipt.receiptType[3]) % 2 === 1,
    `${receipt.serviceMonth}-01`,
    header.billingMonth === null ? null : `${header.billingMonth}-01`,
    header.facilityCode,
    header.facilityName || null,
    receipt.prescriber?.facilityCode ?? null,
    receipt.prescriber?.name ?? null,
    insurerOf(receipt),
    Number(receipt.patient.birthDate.slice(0, 4)),
    receipt.patient.sex,
    receipt.points,
  ]);
}

export function eventRow(receiptId: string, e: HistoryEvent): string {
  return copyRow([
    receiptId,
    e.category,
    e.codeKind,
    e.code,
    e.name,
    e.modifiers,
    e.icd10,
    e.startDate,
    e.outcome,
    e.suspected,
    e.main,
    e.dates.length === 0 ? null : copyArray(e.dates),
    e.quantity,
    e.times,
    e.days,
    e.route,
    e.usage,
    e.practice,
    e.groupNo,
    e.material,
  ]);
}
