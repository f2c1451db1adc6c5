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
import { IdentityCache, PersonRegistry } from '@renkei/identity';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import { parseClaimFile, UkeFormatError, type ClaimFileHeader } from '@renkei/uke';
import { buildBatches, type FileChunk } from './build-batches.js';
import { applyCorrections } from './corrections.js';
import { EVENT_COLUMNS, RECEIPT_COLUMNS } from './copy-rows.js';
import type { SectionOf } from './history-events.js';
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

/** A claims file being read ahead: its digest, and its batches built up to a bounded distance ahead. */
interface PreparedFile {
  path: string;
  name: string;
  sha256: Promise<string>;
  chunks: ReadAhead<FileChunk>;
}

/** Batches built ahead of the database: enough to keep it busy, few enough to keep memory flat. */
const BATCHES_AHEAD = 2;

/** Starts reading a file: digest, parse and COPY rows run ahead of the database work. */
async function prepareClaimFile(filePath: string, options: RunOptions): Promise<PreparedFile> {
  const name = path.basename(filePath);
  const { size } = await stat(filePath);
  const sha256 = digestFile(filePath);
  sha256.catch(() => undefined); // awaited by the ingest
  const items = parseClaimFile(readWithProgress(filePath, size, options.onProgress), { fileName: name });
  const chunks = buildBatches(items, {
    cache: options.identityCache,
    sectionOf: options.sectionOf ?? (() => undefined),
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    fileName: name,
  });
  return { path: filePath, name, sha256, chunks: readAhead(chunks, BATCHES_AHEAD) };
}

type RunOptions = IngestOptions & { identityCache: IdentityCache };

export async function ingestClaimFile(stores: Stores, keys: ServerKeys, filePath: string, options: IngestOptions = {}): Promise<IngestResult> {
  return (await ingestClaimFiles(stores, keys, [filePath], options))[0]!;
}

/**
 * Ingests files one after another, each in its own transactions, while the
 * next file is already being read and parsed. Stops at the first refusal (the
 * files before it stay ingested); `onFile` hears of each result.
 */
export async function ingestClaimFiles(stores: Stores, keys: ServerKeys, filePaths: readonly string[], options: IngestOptions & { onFile?(result: IngestResult, index: number): void } = {}): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const run = { ...options, identityCache: options.identityCache ?? new IdentityCache(keys) };
  let next = filePaths.length > 0 ? prepareClaimFile(filePaths[0]!, run) : undefined;
  for (let i = 0; next; i++) {
    const current = await next;
    next = i + 1 < filePaths.length ? prepareClaimFile(filePaths[i + 1]!, run) : undefined;
    try {
      const result = await ingestPrepared(stores, keys, current, run);
      results.push(result);
      options.onFile?.(result, i);
    } catch (error) {
      if (next) await (await next).chunks.cancel();
      throw error;
    }
  }
  return results;
}

async function ingestPrepared(stores: Stores, keys: ServerKeys, file: PreparedFile, options: RunOptions): Promise<IngestResult> {
  const actor = options.actor ?? 'cli:ingest';
  let sha256: string;
  try {
    sha256 = await file.sha256;
  } catch (error) {
    await file.chunks.cancel();
    throw error;
  }
  const already = await stores.clinical.query<{ kind: ClaimFileHeader['kind']; facility_code: string }>('SELECT kind, facility_code FROM claim_files WHERE sha256 = $1', [sha256]);
  if (already.rows.length > 0) {
    await file.chunks.cancel();
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
    await file.chunks.cancel();
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

async function loadFile(clinical: Db, identity: Db, keys: ServerKeys, file: PreparedFile, sha256: string, actor: string, options: RunOptions): Promise<IngestResult> {
  const registry = new PersonRegistry(identity, keys, options.identityCache);
  let header: ClaimFileHeader | undefined;
  let fileId = '';
  let receipts = 0;
  let lines = 0;
  let events = 0;
  for await (const chunk of file.chunks) {
    if (chunk.type === 'header') {
      ({ header, fileId } = chunk);
      await clinical.query(
        `INSERT INTO claim_files (id, sha256, file_name, kind, facility_code, billing_month, receipts, lines)
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0)`,
        [fileId, sha256, file.name, header.kind, header.facilityCode, header.billingMonth === null ? null : `${header.billingMonth}-01`],
      );
    } else if (chunk.type === 'batch') {
      // The identity store registers the batch's persons on its own connection meanwhile.
      const registered = registry.register(chunk.observations);
      registered.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      await clinical.copyFrom('receipts', RECEIPT_COLUMNS, chunk.receiptRows);
      await clinical.copyFrom('events', EVENT_COLUMNS, chunk.eventRows);
      await registered;
      receipts += chunk.receipts;
      events += chunk.events;
    } else {
      lines = chunk.lines;
    }
  }
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
