/**
 * The CPU half of an ingest: parse a file and turn its receipts into ready-made
 * COPY rows, batch by batch, ahead of the database half. It asks the database
 * nothing (ids are made here), so a file can be built while the one before it
 * is still being written.
 */
import type { IdentityCache, ObservationFilter, PersonObservation } from '@renkei/identity';
import { timeOrderedId } from '@renkei/store/ids';
import { UkeFormatError, type ClaimFileHeader, type ClaimFileItem, type Receipt, type VolumeMark } from '@renkei/uke';
import { eventRow, fileColumns, insurerOf, receiptRow, type FileColumns } from './copy-rows.js';
import { CopyWriter } from './copy-writer.js';
import { forEachEvent, type SectionOf } from './history-events.js';

export type FileChunk =
  | { type: 'header'; header: ClaimFileHeader; fileId: string }
  /** `observations`: what the batch's receipts show of their persons that the run has not passed on before. */
  | { type: 'batch'; receipts: number; events: number; receiptRows: Uint8Array; eventRows: Uint8Array; observations: PersonObservation[] }
  | { type: 'end'; lines: number; volume: VolumeMark };

export interface BuildContext {
  cache: IdentityCache;
  /** Persons go to the registry only with what it does not have from this run yet. */
  filter: ObservationFilter;
  sectionOf: SectionOf;
  batchSize: number;
  fileName: string;
}

/**
 * Each receipt becomes its rows as soon as it is read, straight into UTF-8
 * bytes: a batch holds its rows and its persons, not its receipts, so what
 * the parser made is garbage young.
 */
export async function* buildBatches(items: AsyncIterable<ClaimFileItem>, context: BuildContext): AsyncGenerator<FileChunk> {
  let header: ClaimFileHeader | undefined;
  let fileId = '';
  let file: FileColumns | undefined;
  const receiptRows = new CopyWriter();
  const eventRows = new CopyWriter();
  let observations: PersonObservation[] = [];
  const batch = (): FileChunk => {
    const chunk: FileChunk = { type: 'batch', receipts: receiptRows.rows, events: eventRows.rows, receiptRows: receiptRows.take(), eventRows: eventRows.take(), observations };
    observations = [];
    return chunk;
  };
  for await (const item of items) {
    if (item.type === 'header') {
      header = item.header;
      fileId = timeOrderedId();
      file = fileColumns(fileId, header);
      yield { type: 'header', header, fileId };
    } else if (item.type === 'receipt') {
      const receipt = item.receipt;
      if (insurerOf(receipt) === '' && !receipt.chartNumber) {
        throw new UkeFormatError('the receipt has no 保険者番号, no 公費 and no カルテ番号: nothing identifies the patient', { file: context.fileName, line: receipt.line, field: '保険者番号' });
      }
      const id = CopyWriter.encode(timeOrderedId());
      const observation = observationOf(receipt, header!.facilityCode, context.cache);
      if (context.filter.passes(observation)) observations.push(observation);
      receiptRow(receiptRows, id, file!, observation.pseudonym, receipt);
      forEachEvent(receipt, context.sectionOf, (event) => eventRow(eventRows, id, event));
      if (receiptRows.rows >= context.batchSize) yield batch();
    } else {
      if (receiptRows.rows > 0) yield batch();
      yield { type: 'end', lines: item.lines, volume: item.volume };
    }
  }
}

/**
 * The person a receipt names: its insurance card; for 公費単独, the 公費 recipient
 * number; failing both (an empty HO), the facility's own カルテ番号 under the facility.
 * Its pseudonym follows from the card alone.
 */
function observationOf(receipt: Receipt, facilityCode: string, cache: IdentityCache): PersonObservation & { pseudonym: string } {
  const { patient, insurance } = receipt;
  const publicProgram = receipt.publicPrograms[0];
  const card = insurance ??
    (publicProgram
      ? { insurerNumber: publicProgram.payerNumber, symbol: '', number: publicProgram.recipientNumber, branch: '' }
      : { insurerNumber: `facility:${facilityCode}`, symbol: '', number: receipt.chartNumber!, branch: '' });
  const observation = {
    insurerNumber: card.insurerNumber,
    symbol: card.symbol,
    number: card.number,
    branch: card.branch,
    birthDate: patient.birthDate,
    sex: patient.sex,
    memberHash: '',
    nameHash: '',
    pseudonym: '',
    name: patient.name,
    kana: patient.kana,
    serviceMonth: receipt.serviceMonth,
  };
  const { hash, pseudonym } = cache.member(observation);
  observation.memberHash = hash;
  observation.pseudonym = pseudonym;
  const name = patient.name.trim();
  if (name !== '') observation.nameHash = cache.nameHash(name);
  return observation;
}
