import { Batches, type Db } from '@renkei/store';
import { appendAuditBatch, type AuditEntry } from './audit-trail.js';
import { assertStorableEntry } from './audit-text.js';

/**
 * Appends for a busy server: records that arrive while a batch is being written
 * go into the next batch, one transaction (one chain-head lock, one commit)
 * for all of them. Each caller still waits until its own record is committed,
 * so nothing is answered before it is audited, and a record that cannot be
 * written fails its own caller only: a batch the database refuses rolls back
 * whole, the chain head untouched, and its halves are tried in order (`Batches`).
 */
export class AuditWriter {
  private readonly batches: Batches<AuditEntry, void>;

  constructor(db: Db, auditKey: Buffer, maxBatch = 500) {
    this.batches = new Batches<AuditEntry, void>(async (entries) => {
      await appendAuditBatch(db, auditKey, entries);
      return entries.map(() => undefined);
    }, maxBatch);
  }

  /** Resolves once the record is committed; text the trail cannot store is refused (InvalidAuditText) before it is queued. */
  async append(entry: AuditEntry): Promise<void> {
    assertStorableEntry(entry);
    await this.batches.add(entry);
  }

  /** Resolves once every record appended so far is written (or has failed). */
  flush(): Promise<void> {
    return this.batches.flush();
  }
}
