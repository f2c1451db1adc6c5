import { randomUUID } from 'node:crypto';
import type { Db } from '@renkei/store';
import { readChainHead } from './audit-trail.js';
import { checkpointKey, signCheckpoint, type AuditCheckpoint } from './checkpoint.js';
import { CheckpointFile, checkpointLogName } from './checkpoint-file.js';
import { insertCheckpoint, newestStoredCheckpoint } from './checkpoint-table.js';

export interface AuditCheckpointsOptions {
  /** The store that holds the chain. */
  clinical: Db;
  /** The other store, which keeps a copy of every checkpoint. */
  identity: Db;
  auditKey: Buffer;
  /** The append-only checkpoint file (auditCheckpointFile(dataDir)). */
  file: string;
  /** How often to checkpoint a chain that moved (default: every minute). */
  intervalMs?: number;
  /** A checkpoint that failed on the interval (it is tried again on the next one). */
  onError?: (error: unknown) => void;
}

/**
 * Anchors the audit chain outside its table, for a server process: at start, on
 * an interval while the chain moves, and at stop, a signed checkpoint of the
 * chain's head goes to the checkpoint file (first, on disk) and then to the
 * identity store. Each process is a writer of its own, numbering its checkpoints
 * without gaps. The file goes on while the identity store is out of reach; the
 * stored copies follow in order once it is back, and each checkpoint says how
 * many of the writer's were stored when it was made, so that a verification can
 * tell rows removed from the identity store from rows not yet written there.
 */
export class AuditCheckpoints {
  /** This process's writer id. */
  readonly writer = randomUUID();
  private readonly key: Buffer;
  private readonly log: string;
  private file: CheckpointFile | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private stored = 0;
  private anchored: { id: number; hash: string } = { id: 0, hash: 'genesis' };
  /** Made, but not yet on disk (the file write failed): written before anything else. */
  private unwritten: AuditCheckpoint | undefined;
  /** In the file, not yet in the identity store, in seq order. */
  private unstored: AuditCheckpoint[] = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AuditCheckpointsOptions) {
    this.key = checkpointKey(options.auditKey);
    this.log = checkpointLogName(options.file);
  }

  /** Opens the file, checkpoints a chain that moved since the newest stored checkpoint, and starts the interval. */
  async start(): Promise<void> {
    if (this.file) throw new Error('the audit checkpoints are already started');
    this.file = await CheckpointFile.open(this.options.file);
    try {
      this.anchored = (await newestStoredCheckpoint(this.options.identity)) ?? this.anchored;
      await this.checkpoint();
    } catch (error) {
      await this.file.close();
      this.file = undefined;
      throw error;
    }
    this.timer = setInterval(() => void this.checkpoint().catch((error) => this.options.onError?.(error)), this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Writes the final checkpoint and closes the file; the stores stay open (their owner closes them). */
  async stop(): Promise<void> {
    if (!this.file) return;
    clearInterval(this.timer);
    try {
      await this.checkpoint();
    } finally {
      await this.running.catch(() => undefined);
      await this.file.close();
      this.file = undefined;
    }
  }

  /** Checkpoints the chain now if it moved since this writer's last checkpoint; one at a time. */
  checkpoint(): Promise<AuditCheckpoint | undefined> {
    const next = this.running.catch(() => undefined).then(() => this.checkpointNow());
    this.running = next;
    return next;
  }

  private async checkpointNow(): Promise<AuditCheckpoint | undefined> {
    const file = this.file;
    if (!file) throw new Error('the audit checkpoints are not started');
    if (this.unwritten) await this.write(file, this.unwritten);
    const head = await readChainHead(this.options.clinical);
    let made: AuditCheckpoint | undefined;
    if (head.id !== this.anchored.id || head.hash !== this.anchored.hash) {
      made = signCheckpoint(this.key, { writer: this.writer, seq: ++this.seq, id: head.id, hash: head.hash, at: new Date().toISOString(), log: this.log, stored: this.stored });
      this.anchored = head;
      await this.write(file, made);
    }
    // The file first: a row in the identity store then always has its line in the file.
    while (this.unstored.length > 0) {
      await insertCheckpoint(this.options.identity, this.unstored[0]!);
      this.stored = this.unstored.shift()!.seq;
    }
    return made;
  }

  private async write(file: CheckpointFile, checkpoint: AuditCheckpoint): Promise<void> {
    this.unwritten = checkpoint;
    await file.append(checkpoint);
    this.unwritten = undefined;
    this.unstored.push(checkpoint);
  }
}
