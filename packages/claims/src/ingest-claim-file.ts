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
import { IdentityCache, PersonRegistry, type PersonObservation } from '@renkei/identity';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import { parseClaimFile, UkeFormatError, type ClaimFileHeader, type ClaimFileItem, type Receipt } from '@renkei/uke';
import { applyCorrections } from './corrections.js';
import { EVENT_COLUMNS, eventRow, insurerOf, RECEIPT_COLUMNS, receiptRow } from './copy-rows.js';
import { historyEvents, type SectionOf } from './history-events.js';
import { readAhead, type ReadAhead } from './read-ahead.js';

export interface IngestOptions {
  /** Who runs the ingest, for the audit trail. */
  actor?: string;
  /** 診療行為 sections from the master; see `loadSections`. */
  sectionOf?: SectionOf;
  /** Bytes read so far, of the file's size. */
  onProgress?(bytesRead: number, bytesTotal: number): void;
  /** Receipts per bulk write. */
  batchSize?: number;
  /** Shared by the files of one run (ingestClaimFiles makes one). */
  identityCache?: IdentityCache;
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

/** A claims file being read ahead: its digest, and its items parsed up to a bounded distance ahead. */
interface PreparedFile {
  path: string;
  name: string;
  sha256: Promise<string>;
  items: ReadAhead<ClaimFileItem>;
}

/** Starts reading a file: digest and parse run ahead of the database work, within bounded memory. */
async function prepareClaimFile(filePath: string, options: IngestOptions): Promise<PreparedFile> {
  const name = path.basename(filePath);
  const { size } = await stat(filePath);
  const sha256 = digestFile(filePath);
  sha256.catch(() => undefined); // awaited by the ingest
  const items = readAhead(parseClaimFile(readWithProgress(filePath, size, options.onProgress), { fileName: name }), options.batchSize ?? DEFAULT_BATCH);
  return { path: filePath, name, sha256, items };
}

export async function ingestClaimFile(stores: Stores, keys: ServerKeys, filePath: string, options: IngestOptions = {}): Promise<IngestResult> {
  return ingestPrepared(stores, keys, await prepareClaimFile(filePath, options), { ...options, identityCache: options.identityCache ?? new IdentityCache(keys) });
}

/**
 * Ingests files one after another, each in its own transactions, while the
 * next file is already being read and parsed. Stops at the first refusal (the
 * files before it stay ingested); `onFile` hears of each result.
 */
export async function ingestClaimFiles(stores: Stores, keys: ServerKeys, filePaths: readonly string[], options: IngestOptions & { onFile?(result: IngestResult, index: number): void } = {}): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const run = { ...options, identityCache: options.identityCache ?? new IdentityCache(keys) };
  let next = filePaths.length > 0 ? prepareClaimFile(filePaths[0]!, options) : undefined;
  for (let i = 0; next; i++) {
    const current = await next;
    next = i + 1 < filePaths.length ? prepareClaimFile(filePaths[i + 1]!, options) : undefined;
    try {
      const result = await ingestPrepared(stores, keys, current, run);
      results.push(result);
      options.onFile?.(result, i);
    } catch (error) {
      if (next) await (await next).items.cancel();
      throw error;
    }
  }
  return results;
}

async function ingestPrepared(stores: Stores, keys: ServerKeys, file: PreparedFile, options: IngestOptions & { identityCache: IdentityCache }): Promise<IngestResult> {
  const actor = options.actor ?? 'cli:ingest';
  let sha256: string;
  try {
    sha256 = await file.sha256;
  } catch (error) {
    await file.items.cancel();
    throw error;
  }
  const already = await stores.clinical.query<{ kind: ClaimFileHeader['kind']; facility_code: string }>('SELECT kind, facility_code FROM claim_files WHERE sha256 = $1', [sha256]);
  if (already.rows.length > 0) {
    await file.items.cancel();
    const row = already.rows[0]!;
    return { file: file.path, sha256, status: 'unchanged', kind: row.kind, facilityCode: row.facility_code, receipts: 0, lines: 0, events: 0, superseded: 0 };
  }
  try {
    // Identity commits first (inner), clinical last: a crash between the two leaves
    // registered persons without history, never history without a person.
    const result = await stores.clinical.transaction((clinical) =>
      stores.identity.transaction((identity) => loadFile(clinical, identity, keys, file, sha256, actor, options)),
    );
    options.identityCache.commit();
    return result;
  } catch (error) {
    options.identityCache.rollback();
    await file.items.cancel();
    await appendAudit(stores.clinical, keys.audit, {
      actor,
      actorKind: 'process',
      action: 'claims.ingest',
      outcome: 'refused',
      detail: { file: file.name, sha256, reason: error instanceof UkeFormatError ? error.message : 'the file could not be stored' },
    });
    throw error;
  }
}

async function loadFile(clinical: Db, identity: Db, keys: ServerKeys, file: PreparedFile, sha256: string, actor: string, options: IngestOptions & { identityCache: IdentityCache }): Promise<IngestResult> {
  const sectionOf: SectionOf = options.sectionOf ?? (() => undefined);
  const cache = options.identityCache;
  const registry = new PersonRegistry(identity, keys, cache);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
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
    writing = writeBatch(clinical, registry, cache, fileId, header!, full, sectionOf).then((written) => {
      events += written;
      receipts += full.length;
    });
    // A failure surfaces at the next wait; meanwhile it is not an unhandled rejection.
    writing.catch(() => undefined);
  };

  for await (const item of file.items) {
    if (item.type === 'header') {
      header = item.header;
      const inserted = await clinical.query<{ id: string }>(
        `INSERT INTO claim_files (sha256, file_name, kind, facility_code, billing_month, receipts, lines)
         VALUES ($1, $2, $3, $4, $5, 0, 0) RETURNING id`,
        [sha256, file.name, header.kind, header.facilityCode, header.billingMonth === null ? null : `${header.billingMonth}-01`],
      );
      fileId = Number(inserted.rows[0]!.id);
    } else if (item.type === 'receipt') {
      if (insurerOf(item.receipt) === '' && !item.receipt.chartNumber) {
        throw new UkeFormatError('the receipt has no 保険者番号, no 公費 and no カルテ番号: nothing identifies the patient', { file: file.name, line: item.receipt.line, field: '保険者番号' });
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
    detail: { file: file.name, sha256, receipts, lines, events, superseded },
  });
  return { file: file.path, sha256, status: 'ingested', kind: header!.kind, facilityCode: header!.facilityCode, receipts, lines, events, superseded };
}

/**
 * Writes one batch. A receipt's pseudonym follows from its card alone, so the
 * clinical rows are built and copied while the identity store registers the
 * persons on its own connection, at the same time.
 */
async function writeBatch(clinical: Db, registry: PersonRegistry, cache: IdentityCache, fileId: number, header: ClaimFileHeader, batch: Receipt[], sectionOf: SectionOf): Promise<number> {
  const observations = batch.map((receipt) => observationOf(receipt, header.facilityCode, cache));
  const registered = registry.register(observations);
  registered.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
  const ids = await clinical.query<{ id: string }>("SELECT nextval('receipts_id_seq') AS id FROM generate_series(1, $1)", [batch.length]);
  let receiptText = '';
  let eventText = '';
  let events = 0;
  for (let i = 0; i < batch.length; i++) {
    const receipt = batch[i]!;
    const id = Number(ids.rows[i]!.id);
    const pseudonym = observations[i]!.pseudonym;
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

function observationOf(receipt: Receipt, facilityCode: string, cache: IdentityCache): PersonObservation & { pseudonym: string } {
  const { patient, insurance } = receipt;
  const publicProgram = receipt.publicPrograms[0];
  const card = insurance ??
    (publicProgram
      ? { insurerNumber: publicProgram.payerNumber, symbol: '', number: publicProgram.recipientNumber, branch: '' }
      : { insurerNumber: `facility:${facilityCode}`, symbol: '', number: receipt.chartNumber!, branch: '' });
  const member = { ...card, birthDate: patient.birthDate, sex: patient.sex };
  const { hash, pseudonym } = cache.member(member);
  return { ...member, memberHash: hash, pseudonym, name: patient.name, kana: patient.kana, serviceMonth: receipt.serviceMonth };
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
