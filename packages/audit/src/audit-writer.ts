import type { Db } from '@renkei/store';
import { appendAuditBatch, type AuditEntry } from './audit-trail.js';

/**
 * Appends for a busy server: records that arrive while a batch is being written
 * go into the next batch, one transaction (one chain-head lock, one commit)
 * for all of them. Each caller still waits until its own record is committed,
 * so nothing is answered before it is audited.
 */
export class AuditWriter {
  private queue: Array<{ entry: AuditEntry; resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly auditKey: Buffer,
    private readonly maxBatch = 500,
  ) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
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
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await appendAuditBatch(this.db, this.auditKey, batch.map((b) => b.entry));
          for (const b of batch) b.resolve();
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
