/**
 * Ingests one claims file into the two stores: the persons into the identity
 * store, the receipts and their events under pseudonyms into the clinical
 * store. All or nothing: both transactions stay open until the last line has
 * been read; a refused file leaves no trace. The same bytes twice change nothing,
 * and a receipt that corrects an earlier one replaces it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { appendAudit } from '@renkei/audit';
import { enrollmentPseudonym, memberKeyHash, PersonRegistry, type PersonObservation } from '@renkei/identity';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import { parseClaimFile, UkeFormatError, type ClaimFileHeader, type Receipt } from '@renkei/uke';
import { applyCorrections } from './corrections.js';
import { EVENT_COLUMNS, eventRow, insurerOf, RECEIPT_COLUMNS, receiptRow } from './copy-rows.js';
import { historyEvents, type SectionOf } from './history-events.js';

export interface IngestOptions {
  /** Who runs the ingest, for the audit trail. */
  actor?: string;
  /** 診療行為 sections from the master; see `loadSections`. */
  sectionOf?: SectionOf;
  /** Bytes read so far, of the file's size. */
  onProgress?(bytesRead: number, bytesTotal: number): void;
  /** Receipts per bulk write. */
  batchSize?: number;
}

export interface IngestResult {
  file: string;
  /** SHA-256 of the file's bytes: the same bytes are ingested once. */
  sha256: string;
  status: 'ingested' | 'unchanged';
  kind: ClaimFileHeader['kind'] | null;
  facilityCode: string | null;
  receipts: number;
  lines: number;
  events: number;
  /** Earlier receipts this file corrected. */
  superseded: number;
}

const DEFAULT_BATCH = 1000;

export async function ingestClaimFile(stores: Stores, keys: ServerKeys, filePath: string, options: IngestOptions = {}): Promise<IngestResult> {
  const fileName = path.basename(filePath);
  const actor = options.actor ?? 'cli:ingest';
  const sha256 = await digestFile(filePath);
  const already = await stores.clinical.query<{ kind: ClaimFileHeader['kind']; facility_code: string }>('SELECT kind, facility_code FROM claim_files WHERE sha256 = $1', [sha256]);
  if (already.rows.length > 0) {
    const row = already.rows[0]!;
    return { file: filePath, sha256, status: 'unchanged', kind: row.kind, facilityCode: row.facility_code, receipts: 0, lines: 0, events: 0, superseded: 0 };
  }
  try {
    // Identity commits first (inner), clinical last: a crash between the two leaves
    // registered persons without history, never history without a person.
    const result = await stores.clinical.transaction((clinical) =>
      stores.identity.transaction((identity) => loadFile(clinical, identity, keys, filePath, fileName, sha256, actor, options)),
    );
    return result;
  } catch (error) {
    await appendAudit(stores.clinical, keys.audit, {
      actor,
      actorKind: 'process',
      action: 'claims.ingest',
      outcome: 'refused',
      detail: { file: fileName, sha256, reason: error instanceof UkeFormatError ? error.message : 'the file could not be stored' },
    });
    throw error;
  }
}

async function loadFile(clinical: Db, identity: Db, keys: ServerKeys, filePath: string, fileName: string, sha256: string, actor: string, options: IngestOptions): Promise<IngestResult> {
  const sectionOf: SectionOf = options.sectionOf ?? (() => undefined);
  const registry = new PersonRegistry(identity, keys);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const { size } = await stat(filePath);

  let header: ClaimFileHeader | undefined;
  let fileId = 0;
  let receipts = 0;
  let lines = 0;
  let events = 0;
  let batch: Receipt[] = [];
  // One batch is written while the next is parsed: the database works while we read.
  let writing: Promise<void> = Promise.resolve();

  const flush = async () => {
    if (batch.length === 0) return;
    const full = batch;
    batch = [];
    await writing;
    writing = writeBatch(clinical, registry, keys, fileId, header!, full, sectionOf).then((written) => {
      events += written;
      receipts += full.length;
    });
    // A failure surfaces at the next wait; meanwhile it is not an unhandled rejection.
    writing.catch(() => undefined);
  };

  for await (const item of parseClaimFile(readWithProgress(filePath, size, options.onProgress), { fileName })) {
    if (item.type === 'header') {
      header = item.header;
      const inserted = await clinical.query<{ id: string }>(
        `INSERT INTO claim_files (sha256, file_name, kind, facility_code, billing_month, receipts, lines)
         VALUES ($1, $2, $3, $4, $5, 0, 0) RETURNING id`,
        [sha256, fileName, header.kind, header.facilityCode, header.billingMonth === null ? null : `${header.billingMonth}-01`],
      );
      fileId = Number(inserted.rows[0]!.id);
    } else if (item.type === 'receipt') {
      if (insurerOf(item.receipt) === '' && !item.receipt.chartNumber) {
        throw new UkeFormatError('the receipt has no 保険者番号, no 公費 and no カルテ番号: nothing identifies the patient', { file: fileName, line: item.receipt.line, field: '保険者番号' });
      }
      batch.push(item.receipt);
      if (batch.length >= batchSize) await flush();
    } else {
      lines = item.lines;
    }
  }
  await flush();
  await writing;
  const superseded = await applyCorrections(clinical, fileId);
  await clinical.query('UPDATE claim_files SET receipts = $2, lines = $3 WHERE id = $1', [fileId, receipts, lines]);
  await appendAudit(clinical, keys.audit, {
    actor,
    actorKind: 'process',
    facility: header!.facilityCode,
    action: 'claims.ingest',
    outcome: 'allowed',
    detail: { file: fileName, sha256, receipts, lines, events, superseded },
  });
  return { file: filePath, sha256, status: 'ingested', kind: header!.kind, facilityCode: header!.facilityCode, receipts, lines, events, superseded };
}

/**
 * Writes one batch. A receipt's pseudonym follows from its card alone, so the
 * clinical rows are built and copied while the identity store registers the
 * persons on its own connection, at the same time.
 */
async function writeBatch(clinical: Db, registry: PersonRegistry, keys: ServerKeys, fileId: number, header: ClaimFileHeader, batch: Receipt[], sectionOf: SectionOf): Promise<number> {
  const observations = batch.map((receipt) => observationOf(receipt, header.facilityCode, keys));
  const registered = registry.resolve(observations);
  registered.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
  const ids = await clinical.query<{ id: string }>("SELECT nextval('receipts_id_seq') AS id FROM generate_series(1, $1)", [batch.length]);
  let receiptText = '';
  let eventText = '';
  let events = 0;
  for (let i = 0; i < batch.length; i++) {
    const receipt = batch[i]!;
    const id = Number(ids.rows[i]!.id);
    const pseudonym = enrollmentPseudonym(keys.pseudonym, observations[i]!.memberHash);
    receiptText += receiptRow(id, fileId, pseudonym, header, receipt);
    for (const event of historyEvents(receipt, sectionOf)) {
      eventText += eventRow(id, pseudonym, receipt.serviceMonth, event);
      events++;
    }
  }
  await clinical.copyFrom('receipts', RECEIPT_COLUMNS, receiptText);
  await clinical.copyFrom('events', EVENT_COLUMNS, eventText);
  await registered;
  return events;
}

/**
 * The person a receipt names: its insurance card; for 公費単独, the 公費 recipient
 * number; failing both (an empty HO), the facility's own カルテ番号 under the facility.
 */
function observationOf(receipt: Receipt, facilityCode: string, keys: ServerKeys): PersonObservation {
  const { patient, insurance } = receipt;
  const publicProgram = receipt.publicPrograms[0];
  const card = insurance ??
    (publicProgram
      ? { insurerNumber: publicProgram.payerNumber, symbol: '', number: publicProgram.recipientNumber, branch: '' }
      : { insurerNumber: `facility:${facilityCode}`, symbol: '', number: receipt.chartNumber!, branch: '' });
  const member = { ...card, birthDate: patient.birthDate, sex: patient.sex };
  return { ...member, memberHash: memberKeyHash(keys.lookup, member), name: patient.name, kana: patient.kana, serviceMonth: receipt.serviceMonth };
}

async function* readWithProgress(filePath: string, size: number, onProgress: IngestOptions['onProgress']): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 256 * 1024 })) {
    bytesRead += (chunk as Buffer).length;
    onProgress?.(bytesRead, size);
    yield chunk as Buffer;
  }
}

async function digestFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
