/**
 * Ingests claims files into the two stores: the persons into the identity
 * store, the receipts and their events under pseudonyms into the clinical
 * store. Each file is all or nothing: both transactions stay open until its
 * last line has been read, and a refused file leaves no trace. The same bytes
 * twice change nothing, and a receipt that corrects an earlier one replaces it.
 *
 * A build worker reads and parses the files into COPY rows on another core,
 * while this side writes them: the database and the parser work at once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { appendAudit } from '@renkei/audit';
import { IdentityCache, PersonRegistry } from '@renkei/identity';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import { UkeFormatError, type ClaimFileHeader } from '@renkei/uke';
import type { FileChunk } from './build-batches.js';
import { BuildWorker } from './build-worker-client.js';
import { applyCorrections } from './corrections.js';
import { EVENT_COLUMNS, RECEIPT_COLUMNS } from './copy-rows.js';

export interface IngestOptions {
  /** Who runs the ingest, for the audit trail. */
  actor?: string;
  /** 診療行為 code → alphabet part of its 区分, from the masters; see `loadSections`. */
  sections?: ReadonlyMap<string, string>;
  /** Bytes read so far of the file being parsed, and its size. */
  onProgress?(bytesRead: number, bytesTotal: number): void;
  /** Each file's result, as it is committed. */
  onFile?(result: IngestResult, index: number): void;
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

/** Batches built ahead of the database: enough to keep it busy, few enough to keep memory flat. */
const BATCHES_AHEAD = 3;

export async function ingestClaimFile(stores: Stores, keys: ServerKeys, filePath: string, options: IngestOptions = {}): Promise<IngestResult> {
  return (await ingestClaimFiles(stores, keys, [filePath], options))[0]!;
}

/**
 * Ingests files in the order given, each in its own transactions. Files already
 * ingested (same SHA-256) are reported unchanged and not read again. Stops at
 * the first refusal; the files before it stay ingested.
 */
export async function ingestClaimFiles(stores: Stores, keys: ServerKeys, filePaths: readonly string[], options: IngestOptions = {}): Promise<IngestResult[]> {
  const digests: string[] = [];
  for (const file of filePaths) digests.push(await digestFile(file));
  const known = await stores.clinical.query<{ sha256: string; kind: ClaimFileHeader['kind'] | null; facility_code: string | null }>(
    'SELECT sha256, kind, facility_code FROM claim_files WHERE sha256 = ANY($1::text[])',
    [digests],
  );
  const ingestedBefore = new Map(known.rows.map((r) => [r.sha256, r]));
  const firstIndex = new Map<string, number>();
  digests.forEach((digest, i) => firstIndex.has(digest) || firstIndex.set(digest, i));
  // Only first occurrences of bytes not stored yet are read.
  const toBuild = filePaths.filter((_, i) => !ingestedBefore.has(digests[i]!) && firstIndex.get(digests[i]!) === i);
  const worker = toBuild.length === 0 ? undefined : new BuildWorker(toBuild, { batchSize: options.batchSize ?? DEFAULT_BATCH, sections: options.sections ?? new Map(), keys, ahead: BATCHES_AHEAD }, options.onProgress);
  const cache = new IdentityCache(keys);
  const results: IngestResult[] = [];
  try {
    let built = 0;
    for (const [i, filePath] of filePaths.entries()) {
      const sha256 = digests[i]!;
      const first = firstIndex.get(sha256)!;
      // Stored before this run, or earlier in this very run.
      const same = ingestedBefore.get(sha256) ?? (first < i ? { kind: results[first]!.kind, facility_code: results[first]!.facilityCode } : undefined);
      const result: IngestResult = same
        ? { file: filePath, sha256, status: 'unchanged', kind: same.kind, facilityCode: same.facility_code, receipts: 0, lines: 0, events: 0, superseded: 0 }
        : await ingestBuilt(stores, keys, cache, filePath, sha256, worker!.chunks(built++), options.actor ?? 'cli:ingest');
      results.push(result);
      options.onFile?.(result, i);
    }
  } finally {
    await worker?.close();
  }
  return results;
}

async function ingestBuilt(stores: Stores, keys: ServerKeys, cache: IdentityCache, filePath: string, sha256: string, chunks: AsyncIterable<FileChunk>, actor: string): Promise<IngestResult> {
  const name = path.basename(filePath);
  try {
    // Identity commits first (inner), clinical last: a crash between the two leaves
    // registered persons without history, never history without a person.
    const result = await stores.clinical.transaction((clinical) =>
      stores.identity.transaction((identity) => writeFile(clinical, identity, keys, cache, filePath, sha256, chunks, actor)),
    );
    cache.commit();
    return result;
  } catch (error) {
    cache.rollback();
    await appendAudit(stores.clinical, keys.audit, {
      actor,
      actorKind: 'process',
      action: 'claims.ingest',
      outcome: 'refused',
      detail: { file: name, sha256, reason: error instanceof UkeFormatError ? error.message : 'the file could not be stored' },
    });
    throw error;
  }
}

async function writeFile(clinical: Db, identity: Db, keys: ServerKeys, cache: IdentityCache, filePath: string, sha256: string, chunks: AsyncIterable<FileChunk>, actor: string): Promise<IngestResult> {
  const name = path.basename(filePath);
  const registry = new PersonRegistry(identity, keys, cache);
  let header: ClaimFileHeader | undefined;
  let fileId = '';
  let receipts = 0;
  let lines = 0;
  let events = 0;
  for await (const chunk of chunks) {
    if (chunk.type === 'header') {
      ({ header, fileId } = chunk);
      await clinical.query(
        `INSERT INTO claim_files (id, sha256, file_name, kind, facility_code, billing_month, receipts, lines)
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0)`,
        [fileId, sha256, name, header.kind, header.facilityCode, header.billingMonth === null ? null : `${header.billingMonth}-01`],
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
    detail: { file: name, sha256, receipts, lines, events, superseded },
  });
  return { file: filePath, sha256, status: 'ingested', kind: header!.kind, facilityCode: header!.facilityCode, receipts, lines, events, superseded };
}

async function digestFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
