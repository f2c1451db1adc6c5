import type { Db } from '@renkei/store';
import { appendAuditBatch, type AuditEntry } from './audit-trail.js';
import { assertStorableEntry } from './audit-text.js';

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Appends for a busy server: records that arrive while a batch is being written
 * go into the next batch, one transaction (one chain-head lock, one commit)
 * for all of them. Each caller still waits until its own record is committed,
 * so nothing is answered before it is audited, and a record that cannot be
 * written fails its own caller only.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly auditKey: Buffer,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once the record is committed; text the trail cannot store is refused (InvalidAuditText) before it is queued. */
  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      assertStorableEntry(entry);
      this.queue.push({ entry, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Resolves once every record appended so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.write(this.queue.splice(0, this.maxBatch));
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * A batch the database refuses rolls back whole, the chain head untouched; its halves are
   * then tried in order, down to the single record at fault, so that the others are written
   * in a few transactions and still in the order they came.
   */
  private async write(batch: Pending[]): Promise<void> {
    try {
      await appendAuditBatch(this.db, this.auditKey, batch.map((b) => b.entry));
      for (const b of batch) b.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half));
      await this.write(batch.slice(half));
    }
  }
}
