/**
 * The CPU half of an ingest: parse a file and turn its receipts into ready-made
 * COPY rows, batch by batch, ahead of the database half. It asks the database
 * nothing (ids are made here), so a file can be built while the one before it
 * is still being written.
 */
import type { IdentityCache, PersonObservation } from '@renkei/identity';
import { timeOrderedId } from '@renkei/store';
import { UkeFormatError, type ClaimFileHeader, type ClaimFileItem, type Receipt } from '@renkei/uke';
import { eventRow, insurerOf, receiptRow } from './copy-rows.js';
import { historyEvents, type SectionOf } from './history-events.js';

const utf8 = new TextEncoder();

export type FileChunk =
  | { type: 'header'; header: ClaimFileHeader; fileId: string }
  | { type: 'batch'; receipts: number; events: number; receiptRows: Uint8Array; eventRows: Uint8Array; observations: PersonObservation[] }
  | { type: 'end'; lines: number };

export interface BuildContext {
  cache: IdentityCache;
  sectionOf: SectionOf;
  batchSize: number;
  fileName: string;
}

export async function* buildBatches(items: AsyncIterable<ClaimFileItem>, context: BuildContext): AsyncGenerator<FileChunk> {
  let header: ClaimFileHeader | undefined;
  let fileId = '';
  let batch: Receipt[] = [];
  for await (const item of items) {
    if (item.type === 'header') {
      header = item.header;
      fileId = timeOrderedId();
      yield { type: 'header', header, fileId };
    } else if (item.type === 'receipt') {
      if (insurerOf(item.receipt) === '' && !item.receipt.chartNumber) {
        throw new UkeFormatError('the receipt has no 保険者番号, no 公費 and no カルテ番号: nothing identifies the patient', { file: context.fileName, line: item.receipt.line, field: '保険者番号' });
      }
      batch.push(item.receipt);
      if (batch.length >= context.batchSize) {
        yield buildBatch(batch, header!, fileId, context);
        batch = [];
      }
    } else {
      if (batch.length > 0) yield buildBatch(batch, header!, fileId, context);
      yield { type: 'end', lines: item.lines };
    }
  }
}

function buildBatch(batch: Receipt[], header: ClaimFileHeader, fileId: string, context: BuildContext): FileChunk {
  const observations: PersonObservation[] = [];
  const receiptRows: string[] = [];
  const eventRows: string[] = [];
  for (const receipt of batch) {
    const id = timeOrderedId();
    const observation = observationOf(receipt, header.facilityCode, context.cache);
    observations.push(observation);
    receiptRows.push(receiptRow(id, fileId, observation.pseudonym, header, receipt));
    for (const event of historyEvents(receipt, context.sectionOf)) eventRows.push(eventRow(id, event));
  }
  // UTF-8 here, on the building side: the bytes then cross to the writer without a copy.
  // (join makes one flat string, which encodes fast; TextEncoder gives each result its own
  // ArrayBuffer, which can be transferred, where pooled Buffers cannot.)
  return {
    type: 'batch',
    receipts: batch.length,
    events: eventRows.length,
    receiptRows: utf8.encode(receiptRows.join('')),
    eventRows: utf8.encode(eventRows.join('')),
    observations,
  };
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
    pseudonym: '',
    name: patient.name,
    kana: patient.kana,
    serviceMonth: receipt.serviceMonth,
  };
  const { hash, pseudonym } = cache.member(observation);
  observation.memberHash = hash;
  observation.pseudonym = pseudonym;
  return observation;
}
