/** The receipt and event rows of the clinical store, in text COPY format. */
import type { ClaimFileHeader, Receipt } from '@renkei/uke';
import { CopyWriter } from './copy-writer.js';
import type { HistoryEvent } from './history-events.js';

export const RECEIPT_COLUMNS = [
  'id', 'file_id', 'pseudonym', 'kind', 'receipt_type', 'inpatient', 'service_month', 'billing_month', 'facility_code',
  'facility_name', 'prescriber_code', 'prescriber_name', 'insurer_number', 'birth_year', 'sex', 'points',
  'admitted_on', 'discharged_on', 'dpc_code',
] as const;

export const EVENT_COLUMNS = [
  'receipt_id', 'category', 'code_kind', 'code', 'name', 'modifiers', 'icd10', 'start_date',
  'outcome', 'suspected', 'main', 'dates', 'quantity', 'times', 'days', 'route', 'usage', 'practice', 'group_no', 'material',
] as const;

/** The insurer a receipt is billed to: the HO 保険者番号, or the first 公費 for 公費単独. */
export function insurerOf(receipt: Receipt): string {
  return receipt.insurance?.insurerNumber ?? receipt.publicPrograms[0]?.payerNumber ?? '';
}

/** What every receipt row of a file shares, encoded once for the file. */
export interface FileColumns {
  fileId: Uint8Array;
  kind: Uint8Array;
  /** billing_month, facility_code and facility_name. */
  facility: Uint8Array;
}

export function fileColumns(fileId: string, header: ClaimFileHeader): FileColumns {
  const facility = new CopyWriter()
    .text(header.billingMonth === null ? null : `${header.billingMonth}-01`)
    .text(header.facilityCode)
    .text(header.facilityName || null)
    .take();
  return { fileId: CopyWriter.encode(fileId), kind: CopyWriter.encode(header.kind), facility };
}

/** `id` comes encoded (CopyWriter.encode): the receipt's events share it. */
export function receiptRow(rows: CopyWriter, id: Uint8Array, file: FileColumns, pseudonym: string, receipt: Receipt): void {
  rows
    .encoded(id)
    .encoded(file.fileId)
    .text(pseudonym)
    .encoded(file.kind)
    .text(receipt.receiptType)
    // レセプト種別: the 4th digit is odd for 入院, even for 入院外.
    .boolean(Number(receipt.receiptType[3]) % 2 === 1)
    .text(`${receipt.serviceMonth}-01`)
    .encoded(file.facility)
    .text(receipt.prescriber?.facilityCode ?? null)
    .text(receipt.prescriber?.name ?? null)
    .text(insurerOf(receipt))
    .number(Number(receipt.patient.birthDate.slice(0, 4)))
    .number(receipt.patient.sex)
    .number(receipt.points)
    .text(receipt.stay?.admittedOn ?? null)
    .text(receipt.stay?.dischargedOn ?? null)
    .text(receipt.stay?.dpcCode || null)
    .endRow();
}

export function eventRow(rows: CopyWriter, receiptId: Uint8Array, e: Readonly<HistoryEvent>): void {
  rows
    .encoded(receiptId)
    .word(e.category)
    .word(e.codeKind)
    .text(e.code)
    .text(e.name)
    .text(e.modifiers)
    .text(e.icd10)
    .text(e.startDate)
    .number(e.outcome)
    .boolean(e.suspected)
    .boolean(e.main)
    .array(e.dates)
    .number(e.quantity)
    .number(e.times)
    .number(e.days)
    .word(e.route)
    .text(e.usage)
    .word(e.practice)
    .number(e.groupNo)
    .boolean(e.material)
    .endRow();
}
