import type { Db } from '@renkei/store';
import { verifyAuditTrail, type AuditVerification } from './audit-trail.js';
import { checkpointKey, checkpointVerifies, parseCheckpointLine, type AuditCheckpoint } from './checkpoint.js';
import { checkpointFileSize, checkpointLogName, readCheckpointLines } from './checkpoint-file.js';
import { readStoredCheckpoints, storedCheckpointSeqs, storedCheckpointsEnd } from './checkpoint-table.js';

export interface AnchoredAuditVerification extends AuditVerification {
  /** Checkpoints that verify, in the checkpoint file and in the identity store. */
  checkpoints: { file: number; store: number };
  /** The newest checkpoint that verifies (the highest chain id), from either place. */
  checkpoint?: { id: number; at: string };
  /** Records that a checkpoint shows were in the trail and that are gone. */
  removed?: { from: number; to: number };
}

export interface AnchoredAuditOptions {
  clinical: Db;
  identity: Db;
  auditKey: Buffer;
  /** The checkpoint file (auditCheckpointFile(dataDir)). */
  file: string;
  pageSize?: number;
}

const MAX_PROBLEMS = 10;

/**
 * Verifies the chain (verifyAuditTrail), then holds it against every checkpoint in
 * the file and in the identity store: each must verify under the audit key and
 * name a record of the chain as it is, so that a tail cut and a head moved back
 * show; each writer's checkpoints must run 1, 2, 3, … in both places, every
 * stored one must be in the file (which is written first), and every one that
 * the file says was stored must be stored, so that a removed checkpoint shows.
 *
 * Appends and checkpoints may go on meanwhile: what a verification reads of the
 * checkpoints is fixed before it reads the chain's head, so that every checkpoint it
 * reads names a record that is committed.
 */
export async function verifyAnchoredAuditTrail(options: AnchoredAuditOptions): Promise<AnchoredAuditVerification> {
  const { clinical, identity, file } = options;
  const key = checkpointKey(options.auditKey);
  // The table before the file: a row is inserted only once its line is in the file.
  const storeEnd = await storedCheckpointsEnd(identity);
  const fileSize = await checkpointFileSize(file);
  const chain = await verifyAuditTrail(clinical, options.auditKey, options.pageSize);

  const problems: string[] = chain.problem === undefined ? [] : [chain.problem];
  const matcher = new ChainMatcher(clinical, chain.ok ? chain.checked : undefined);
  const writers = new Map<string, WriterSeen>();
  const writer = (id: string) => writers.get(id) ?? (writers.set(id, { file: 0, store: 0, fileSaysStored: 0 }), writers.get(id)!);
  const counts = { file: 0, store: 0 };

  let forgedRows = 0;
  for await (const c of readStoredCheckpoints(identity, storeEnd, options.pageSize)) {
    if (!checkpointVerifies(key, c)) {
      if (forgedRows++ === 0) problems.push(`the checkpoint of writer ${short(c.writer)} no. ${c.seq} in the identity store does not verify: it was forged or altered`);
      continue;
    }
    counts.store++;
    const seen = writer(c.writer);
    if (c.seq > seen.store + 1) problems.push(`${missing(c.writer, seen.store + 1, c.seq - 1)} from the identity store: rows were removed`);
    seen.store = Math.max(seen.store, c.seq);
    seen.log = c.log;
    await matcher.add(c);
  }
  if (forgedRows > 1) problems.push(`${forgedRows} checkpoints in the identity store do not verify`);

  let badLines = 0;
  const lastInFile = new Map<string, AuditCheckpoint>();
  for await (const { line, text } of readCheckpointLines(file, fileSize)) {
    if (text === '') continue; // two servers starting at once may both end a torn line
    const c = parseCheckpointLine(text);
    if (!c || !checkpointVerifies(key, c)) {
      if (badLines++ === 0) problems.push(`line ${line} of ${file} is not a checkpoint that verifies: it was forged or altered`);
      continue;
    }
    counts.file++;
    const seen = writer(c.writer);
    const last = lastInFile.get(c.writer);
    // The same line twice is a write tried again after a failed fsync.
    if (last && c.seq === last.seq && c.hmac === last.hmac) continue;
    if (c.seq !== seen.file + 1) {
      problems.push(
        c.seq > seen.file + 1
          ? `${missing(c.writer, seen.file + 1, c.seq - 1)} from ${file} before line ${line}: lines were removed`
          : `line ${line} of ${file} repeats or reorders the checkpoints of writer ${short(c.writer)}`,
      );
    }
    if (c.seq > seen.file) [seen.file, seen.fileSaysStored] = [c.seq, c.stored];
    lastInFile.set(c.writer, c);
    await matcher.add(c);
  }
  if (badLines > 1) problems.push(`${badLines} lines of ${file} are not checkpoints that verify`);

  // Read after the file: what a line says was stored was stored before the line was written.
  const storedNow = await storedCheckpointSeqs(identity);
  const log = checkpointLogName(file);
  for (const [id, seen] of writers) {
    if ((seen.file > 0 || seen.log === log) && seen.file < seen.store) {
      problems.push(`${missing(id, seen.file + 1, seen.store)} from ${file}, though in the identity store: lines were removed`);
    }
    const stored = storedNow.get(id) ?? 0;
    if (stored < seen.fileSaysStored) {
      problems.push(`${missing(id, stored + 1, seen.fileSaysStored)} from the identity store, though stored according to ${file}: rows were removed`);
    }
  }

  problems.push(...(await matcher.finish()));
  const shown = problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more`] : problems;
  return {
    checked: chain.checked,
    ok: problems.length === 0,
    ...(problems.length > 0 ? { problem: shown.join('; ') } : {}),
    checkpoints: counts,
    ...(matcher.newest ? { checkpoint: { id: matcher.newest.id, at: matcher.newest.at } } : {}),
    ...(matcher.removed ? { removed: matcher.removed } : {}),
  };
}

interface WriterSeen {
  /** The highest seq that verifies, in the file and in the table (0: none). */
  file: number;
  store: number;
  /** How many of the writer's checkpoints its last line in the file says were stored. */
  fileSaysStored: number;
  /** The file the writer's stored checkpoints name. */
  log?: string;
}

/**
 * Holds checkpoints against the verified chain (records 1 to `chainEnd`), a page of
 * primary-key lookups at a time rather than the checkpoints all in memory.
 */
class ChainMatcher {
  newest: AuditCheckpoint | undefined;
  removed: { from: number; to: number } | undefined;
  private replaced: AuditCheckpoint | undefined;
  private batch: AuditCheckpoint[] = [];

  constructor(
    private readonly clinical: Db,
    private readonly chainEnd: number | undefined,
  ) {}

  async add(c: AuditCheckpoint): Promise<void> {
    if (!this.newest || c.id > this.newest.id) this.newest = c;
    if (this.chainEnd === undefined || c.id === 0) return;
    this.batch.push(c);
    if (this.batch.length >= 1000) await this.match();
  }

  /** What the checkpoints show of the chain (nothing while the chain itself is broken: that is the problem then). */
  async finish(): Promise<string[]> {
    await this.match();
    if (this.chainEnd === undefined || !this.newest) return [];
    const problems: string[] = [];
    if (this.newest.id > this.chainEnd) {
      this.removed = { from: this.chainEnd + 1, to: this.newest.id };
      const records = this.removed.from === this.removed.to ? `record ${this.removed.to} was` : `records ${this.removed.from}–${this.removed.to} were`;
      problems.push(`${records} removed after the checkpoint of ${when(this.newest)} (id ${this.newest.id})`);
    }
    if (this.replaced) {
      problems.push(`record ${this.replaced.id} is not the one the checkpoint of ${when(this.replaced)} names: the trail was cut and written anew before it`);
    }
    return problems;
  }

  private async match(): Promise<void> {
    const batch = this.batch.filter((c) => c.id <= this.chainEnd!);
    this.batch = [];
    if (batch.length === 0) return;
    const { rows } = await this.clinical.query<{ id: string; hash: string }>('SELECT id, hash FROM audit_events WHERE id = ANY($1::bigint[])', [[...new Set(batch.map((c) => c.id))]]);
    const hashes = new Map(rows.map((r) => [Number(r.id), r.hash]));
    for (const c of batch) {
      if (hashes.get(c.id) !== c.hash && (!this.replaced || c.id < this.replaced.id)) this.replaced = c;
    }
  }
}

const short = (writer: string) => writer.slice(0, 8);
const when = (c: AuditCheckpoint) => c.at.replace(/\.\d{3}Z$/, 'Z');
const missing = (writer: string, from: number, to: number) =>
  from === to ? `checkpoint no. ${from} of writer ${short(writer)} is missing` : `checkpoints no. ${from}–${to} of writer ${short(writer)} are missing`;
