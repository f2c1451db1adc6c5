/**
 * Ingests claims files into the two stores: the persons into the identity
 * store, the receipts and their events under pseudonyms into the clinical
 * store. Each file is all or nothing: both transactions stay open until its
 * last line has been read, and a refused file leaves no trace. Only a complete
 * file counts: its GO record must close it with totals that match (see
 * ClaimFileParser), and a delivery on several volumes commits once its last
 * volume is in, all volumes together. The same bytes twice change nothing, and
 * a receipt that corrects an earlier one replaces it (kept, for an undo).
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
import { UkeFormatError, type ClaimFileHeader, type VolumeMark } from '@renkei/uke';
import type { FileChunk } from './build-batches.js';
import { BuildWorker } from './build-worker-client.js';
import { applyCorrections, planCorrections, type CorrectionPlan } from './corrections.js';
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
  /**
   * Reads and checks everything, writes it inside the transactions to learn what
   * it would do, then rolls them back: nothing is stored, not even an audit record.
   * Each result then has status 'checked' (or 'unchanged') and its `plan`.
   */
  dryRun?: boolean;
}

export interface IngestResult {
  file: string;
  /** SHA-256 of the file's bytes: the same bytes are ingested once. */
  sha256: string;
  /** 'checked': read and found good by a dry run, nothing stored. */
  status: 'ingested' | 'unchanged' | 'checked';
  kind: ClaimFileHeader['kind'] | null;
  facilityCode: string | null;
  receipts: number;
  lines: number;
  events: number;
  /** Earlier receipts this file corrected. */
  superseded: number;
  /** The file's place in a delivery on several volumes (1, 2, …); null for a file on its own. */
  volume: number | null;
  /** In a dry run: what the file would do. */
  plan?: IngestPlan;
}

/** What a file would do: receipts new, replacing a stored one, or the same as the one they replace; persons new and known. */
export interface IngestPlan extends CorrectionPlan {
  personsNew: number;
  personsKnown: number;
}

/** A delivery refused as a whole: a volume is missing or out of place. Nothing of it is stored. */
export class IncompleteDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteDeliveryError';
  }
}

/** Thrown inside the transactions of a dry run to roll them back, carrying what was found. */
class DryRunRollback extends Error {
  constructor(readonly results: IngestResult[]) {
    super('dry run');
  }
}

const DEFAULT_BATCH = 1000;

/** Batches built ahead of the database: enough to keep it busy, few enough to keep memory flat. */
const BATCHES_AHEAD = 3;

export async function ingestClaimFile(stores: Stores, keys: ServerKeys, filePath: string, options: IngestOptions = {}): Promise<IngestResult> {
  return (await ingestClaimFiles(stores, keys, [filePath], options))[0]!;
}

interface StoredFile {
  id: string;
  sha256: string;
  kind: ClaimFileHeader['kind'] | null;
  facility_code: string | null;
  volume: number | null;
}

/**
 * Ingests files in the order given, each delivery in its own transactions: a
 * file on its own, or the volumes of a delivery on several, given one after
 * the other (01, 02, …, the last 99). Files already ingested (same SHA-256)
 * are reported unchanged and not read again. Stops at the first refusal; the
 * deliveries before it stay ingested.
 */
export async function ingestClaimFiles(stores: Stores, keys: ServerKeys, filePaths: readonly string[], options: IngestOptions = {}): Promise<IngestResult[]> {
  const digests: string[] = [];
  for (const file of filePaths) digests.push(await digestFile(file));
  const known = await stores.clinical.query<StoredFile>('SELECT id, sha256, kind, facility_code, volume FROM claim_files WHERE sha256 = ANY($1::text[])', [digests]);
  const ingestedBefore = new Map(known.rows.map((r) => [r.sha256, r]));
  const firstIndex = new Map<string, number>();
  digests.forEach((digest, i) => firstIndex.has(digest) || firstIndex.set(digest, i));
  const isRepeat = (i: number) => ingestedBefore.has(digests[i]!) || firstIndex.get(digests[i]!)! < i;
  // Only first occurrences of bytes not stored yet are read.
  const toBuild = filePaths.filter((_, i) => !isRepeat(i));
  const worker = toBuild.length === 0 ? undefined : new BuildWorker(toBuild, { batchSize: options.batchSize ?? DEFAULT_BATCH, sections: options.sections ?? new Map(), keys, ahead: BATCHES_AHEAD }, options.onProgress);
  const cache = new IdentityCache(keys);
  const results: IngestResult[] = [];
  const actor = options.actor ?? 'cli:ingest';
  try {
    let built = 0;
    let i = 0;
    while (i < filePaths.length) {
      if (isRepeat(i)) {
        const result = await unchangedResult(stores.clinical, filePaths[i]!, digests[i]!, ingestedBefore.get(digests[i]!) ?? earlierInRun(results, digests[i]!), options.dryRun);
        results.push(result);
        options.onFile?.(result, i);
        i++;
        continue;
      }
      // A delivery begins here: this file, and the volumes that follow it up to the last.
      const remaining = filePaths.slice(i).map((file, k) => ({ file, sha256: digests[i + k]!, repeat: isRepeat(i + k) }));
      const delivery = await ingestDelivery(stores, keys, cache, remaining, () => worker!.chunks(built++), actor, options.dryRun === true);
      for (const result of delivery) {
        results.push(result);
        options.onFile?.(result, i);
        i++;
      }
    }
  } finally {
    await worker?.close();
  }
  return results;
}

/** An earlier file of this run with the same bytes, as stored (or checked) by it. */
function earlierInRun(results: IngestResult[], sha256: string): Pick<StoredFile, 'kind' | 'facility_code' | 'volume'> {
  const first = results.find((r) => r.sha256 === sha256)!;
  return { kind: first.kind, facility_code: first.facilityCode, volume: first.volume };
}

async function unchangedResult(
  clinical: Db,
  file: string,
  sha256: string,
  same: Pick<StoredFile, 'kind' | 'facility_code' | 'volume'> & { id?: string },
  dryRun: boolean | undefined,
): Promise<IngestResult> {
  const result: IngestResult = { file, sha256, status: 'unchanged', kind: same.kind, facilityCode: same.facility_code, receipts: 0, lines: 0, events: 0, superseded: 0, volume: same.volume };
  if (dryRun && same.id) {
    const { rows } = await clinical.query<{ receipts: string; persons: string }>('SELECT count(*) AS receipts, count(DISTINCT pseudonym) AS persons FROM receipts WHERE file_id = $1', [same.id]);
    result.plan = { receiptsNew: 0, receiptsReplaced: 0, receiptsUnchanged: Number(rows[0]!.receipts), personsNew: 0, personsKnown: Number(rows[0]!.persons) };
  }
  return result;
}

interface WrittenVolume {
  result: IngestResult;
  fileId: string;
  header: ClaimFileHeader;
  mark: VolumeMark;
}

/**
 * One delivery, in one pair of transactions: a file on its own, or volumes 01,
 * 02, … up to the last (99), which must follow one another in `files`. Until
 * the last volume is in, nothing commits; a missing volume refuses them all.
 */
async function ingestDelivery(
  stores: Stores,
  keys: ServerKeys,
  cache: IdentityCache,
  files: Array<{ file: string; sha256: string; repeat: boolean }>,
  nextChunks: () => AsyncIterable<FileChunk>,
  actor: string,
  dryRun: boolean,
): Promise<IngestResult[]> {
  const read: typeof files = [];
  try {
    // Identity commits first (inner), clinical last: a crash between the two leaves
    // registered persons without history, never history without a person.
    const results = await stores.clinical.transaction((clinical) =>
      stores.identity.transaction(async (identity) => {
        const volumes: WrittenVolume[] = [];
        for (;;) {
          const next = files[volumes.length];
          const previous = volumes.at(-1);
          if (!next || next.repeat) throw new IncompleteDeliveryError(missingVolume(previous!, next?.file));
          read.push(next);
          const personsBefore = dryRun ? await countPersons(identity) : 0;
          const volume = await writeVolume(clinical, identity, keys, cache, next.file, next.sha256, nextChunks(), volumes[0]?.fileId);
          checkVolumeOrder(volume, previous, volumes[0]);
          if (dryRun) volume.result.plan = { ...(await planCorrections(clinical, volume.fileId, volumes[0]?.fileId ?? volume.fileId)), ...(await personsOf(clinical, identity, volume.fileId, personsBefore)) };
          volumes.push(volume);
          if (volume.mark.last) break;
        }
        if (dryRun) throw new DryRunRollback(volumes.map((v) => ({ ...v.result, status: 'checked' })));
        const deliveryId = volumes[0]!.fileId;
        for (const volume of volumes) await finishVolume(clinical, keys, volume, deliveryId, volumes.length > 1, actor);
        return volumes.map((v) => v.result);
      }),
    );
    cache.commit();
    return results;
  } catch (error) {
    cache.rollback();
    if (error instanceof DryRunRollback) return error.results;
    if (!dryRun) {
      const first = read[0] ?? files[0]!;
      await appendAudit(stores.clinical, keys.audit, {
        actor,
        actorKind: 'process',
        action: 'claims.ingest',
        outcome: 'refused',
        detail: {
          file: path.basename(first.file),
          sha256: first.sha256,
          ...(read.length > 1 ? { volumes: read.map((f) => ({ file: path.basename(f.file), sha256: f.sha256 })) } : {}),
          reason: error instanceof UkeFormatError || error instanceof IncompleteDeliveryError ? error.message : 'the file could not be stored',
        },
      });
    }
    throw error;
  }
}

/** Two digits, as the files write a volume. */
const volumeCode = (n: number) => String(n).padStart(2, '0');

function describeDelivery(header: ClaimFileHeader): string {
  return `the delivery of ${header.facilityCode} for 請求年月 ${header.billingMonth ?? '(none)'}`;
}

/** Why the delivery cannot go on after `previous`: the next volume is not there. */
function missingVolume(previous: WrittenVolume, nextFile: string | undefined): string {
  const wanted = volumeCode((previous.mark.number ?? 0) + 1);
  const after = nextFile === undefined ? 'no file follows it' : `${path.basename(nextFile)}, which follows it, is stored already or given twice`;
  return `${path.basename(previous.result.file)}: volume ${wanted} of ${describeDelivery(previous.header)} is missing (volume ${volumeCode(previous.mark.number!)} has arrived, ${after}); a delivery on several volumes commits only with all of them, up to the last (99). Nothing was stored`;
}

/** A volume must continue the delivery begun by `first`: same facility, month and payer, the next number. */
function checkVolumeOrder(volume: WrittenVolume, previous: WrittenVolume | undefined, first: WrittenVolume | undefined): void {
  const name = path.basename(volume.result.file);
  const { number, last } = volume.mark;
  if (!previous) {
    if (number !== null && number > 1) {
      throw new IncompleteDeliveryError(`${name}: it is volume ${volumeCode(number)} of ${describeDelivery(volume.header)}, and volume 01 is missing (give the volumes in order, 01 first). Nothing was stored`);
    }
    if (!last && number === null) throw new IncompleteDeliveryError(`${name}: GO names no volume. Nothing was stored`);
    return;
  }
  const h = volume.header;
  const f = first!.header;
  if (h.kind !== f.kind || h.facilityCode !== f.facilityCode || h.billingMonth !== f.billingMonth || h.payer !== f.payer) {
    const wanted = volumeCode(previous.mark.number! + 1);
    throw new IncompleteDeliveryError(`${name}: it belongs to ${describeDelivery(h)}, not to ${describeDelivery(f)}, whose volume ${wanted} is missing. Nothing was stored`);
  }
  const expected = previous.mark.number! + 1;
  if (number !== null && number !== expected) {
    throw new IncompleteDeliveryError(`${name}: it is volume ${volumeCode(number)} of ${describeDelivery(h)}, and volume ${volumeCode(expected)} is missing. Nothing was stored`);
  }
  // A last volume whose IR says 00 takes its place from the volumes before it.
  if (number === null) volume.mark = { number: expected, last };
  volume.result.volume = volume.mark.number;
}

async function countPersons(identity: Db): Promise<number> {
  const { rows } = await identity.query<{ n: string }>('SELECT count(*) AS n FROM persons');
  return Number(rows[0]!.n);
}

/** Persons a file names: those it registered, and the others (already known). */
async function personsOf(clinical: Db, identity: Db, fileId: string, personsBefore: number): Promise<Pick<IngestPlan, 'personsNew' | 'personsKnown'>> {
  const personsNew = (await countPersons(identity)) - personsBefore;
  const { rows } = await clinical.query<{ n: string }>('SELECT count(DISTINCT pseudonym) AS n FROM receipts WHERE file_id = $1', [fileId]);
  return { personsNew, personsKnown: Math.max(0, Number(rows[0]!.n) - personsNew) };
}

async function writeVolume(
  clinical: Db,
  identity: Db,
  keys: ServerKeys,
  cache: IdentityCache,
  filePath: string,
  sha256: string,
  chunks: AsyncIterable<FileChunk>,
  deliveryId: string | undefined,
): Promise<WrittenVolume> {
  const name = path.basename(filePath);
  const registry = new PersonRegistry(identity, keys, cache);
  let header: ClaimFileHeader | undefined;
  let mark: VolumeMark | undefined;
  let fileId = '';
  let receipts = 0;
  let lines = 0;
  let events = 0;
  for await (const chunk of chunks) {
    if (chunk.type === 'header') {
      ({ header, fileId } = chunk);
      await clinical.query(
        `INSERT INTO claim_files (id, sha256, file_name, kind, facility_code, billing_month, receipts, lines, delivery_id)
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7)`,
        [fileId, sha256, name, header.kind, header.facilityCode, header.billingMonth === null ? null : `${header.billingMonth}-01`, deliveryId ?? fileId],
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
      mark = chunk.volume;
    }
  }
  const result: IngestResult = { file: filePath, sha256, status: 'ingested', kind: header!.kind, facilityCode: header!.facilityCode, receipts, lines, events, superseded: 0, volume: mark!.number };
  return { result, fileId, header: header!, mark: mark! };
}

/** Once the delivery is whole: its corrections, its counts and its audit record, in its transaction. */
async function finishVolume(clinical: Db, keys: ServerKeys, volume: WrittenVolume, deliveryId: string, severalVolumes: boolean, actor: string): Promise<void> {
  const { result, fileId, header } = volume;
  result.superseded = await applyCorrections(clinical, fileId, deliveryId);
  await clinical.query('UPDATE claim_files SET receipts = $2, lines = $3, volume = $4 WHERE id = $1', [fileId, result.receipts, result.lines, severalVolumes ? result.volume : null]);
  await appendAudit(clinical, keys.audit, {
    actor,
    actorKind: 'process',
    facility: header.facilityCode,
    action: 'claims.ingest',
    outcome: 'allowed',
    detail: {
      file: path.basename(result.file),
      sha256: result.sha256,
      receipts: result.receipts,
      lines: result.lines,
      events: result.events,
      superseded: result.superseded,
      ...(severalVolumes ? { volume: result.volume } : {}),
    },
  });
}

async function digestFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
