/**
 * The audit trail as the rest of Renkei writes to it: who acts (an actor),
 * what happened (an event), and, for a change, the change itself, so that no
 * change stands without its record. A change to the clinical store appends
 * its record in the change's own transaction. A change to the identity store
 * (the other database) writes its record, sealed, to that store's outbox in
 * the change's transaction; the record then moves to the chain, at once and
 * again on every drain, until the chain holds it.
 */
import { randomUUID } from 'node:crypto';
import { decryptField, encryptField } from '@renkei/identity';
import type { Db } from '@renkei/store';
import { appendAuditInTransaction, type AuditEntry } from './audit-trail.js';
import { AuditWriter } from './audit-writer.js';

/** Who acts, as the trail names them: a user at a terminal, or a process (`cli:ingest`, `os:alice`). */
export type AuditActor = Pick<AuditEntry, 'actor' | 'actorKind' | 'role' | 'facility' | 'terminal'>;

/** What happened. */
export type AuditEvent = Pick<AuditEntry, 'action' | 'pseudonym' | 'outcome' | 'detail'>;

/** The event of a change, or how to tell it from the change's result. */
export type ChangeEvent<T> = AuditEvent | ((result: T) => AuditEvent);

export interface AuditLogStores {
  identity: Db;
  clinical: Db;
}

export interface AuditLogKeys {
  /** Chains the trail. */
  audit: Buffer;
  /** Seals records in the identity store's outbox (the identity store's field key). */
  encryption: Buffer;
}

/** How many outbox records one drain moves at most. */
const DRAIN_BATCH = 500;

export class AuditLog {
  readonly writer: AuditWriter;
  private draining: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stores: AuditLogStores,
    private readonly keys: AuditLogKeys,
  ) {
    this.writer = new AuditWriter(stores.clinical, keys.audit);
  }

  /** A read, a search, a refusal: resolves once the record is committed, so that nothing is answered unaudited. */
  record(actor: AuditActor, event: AuditEvent): Promise<void> {
    return this.writer.append({ ...actor, ...event });
  }

  /** A change to the clinical store and its record, in one transaction. */
  async changeClinical<T>(actor: AuditActor, work: (tx: Db) => Promise<T>, event: ChangeEvent<T>): Promise<T> {
    return this.stores.clinical.transaction(async (tx) => {
      const result = await work(tx);
      await appendAuditInTransaction(tx, this.keys.audit, [{ ...actor, ...eventOf(event, result) }]);
      return result;
    });
  }

  /**
   * A change to the identity store and its record, in one transaction (the
   * record in the outbox); then the record joins the chain. If that fails the
   * change still stands, and so does its record, which the next drain moves.
   */
  async changeIdentity<T>(actor: AuditActor, work: (tx: Db) => Promise<T>, event: ChangeEvent<T>): Promise<T> {
    const result = await this.stores.identity.transaction(async (tx) => {
      const done = await work(tx);
      await this.putInOutbox(tx, { ...actor, ...eventOf(event, done), at: new Date() });
      return done;
    });
    await this.drainOutbox().catch(() => undefined);
    return result;
  }

  /** Writes a sealed record to the identity store's outbox, in the caller's transaction. */
  async putInOutbox(tx: Db, entry: AuditEntry): Promise<void> {
    const id = randomUUID();
    const sealed = encryptField(this.keys.encryption, JSON.stringify({ ...entry, detail: { ...entry.detail, outbox: id }, at: (entry.at ?? new Date()).toISOString() }));
    await tx.query('INSERT INTO audit_outbox (id, sealed) VALUES ($1, $2)', [id, sealed]);
  }

  /**
   * Moves the outbox's records to the chain, oldest first, and returns how
   * many. Rows are taken with SKIP LOCKED, so several processes drain side by
   * side; a record the chain already holds (a drain that stopped between the
   * two commits) is not appended twice.
   */
  drainOutbox(): Promise<number> {
    this.draining ??= this.drainAll().finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** Drains at start and every `intervalMs` after, so that a record left by a failed move or a crash joins the chain soon. */
  start(intervalMs = 5_000): void {
    void this.drainOutbox().catch(() => undefined);
    this.timer = setInterval(() => void this.drainOutbox().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /** Stops draining, after a last drain and once every record written so far is committed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.drainOutbox().catch(() => undefined);
    await this.writer.flush();
  }

  private async drainAll(): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = await this.drainBatch();
      moved += batch;
      if (batch < DRAIN_BATCH) return moved;
    }
  }

  private drainBatch(): Promise<number> {
    return this.stores.identity.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; sealed: Uint8Array }>(
        'SELECT id, sealed FROM audit_outbox ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [DRAIN_BATCH],
      );
      if (rows.length === 0) return 0;
      const entries = rows.map((r) => {
        const parsed = JSON.parse(decryptField(this.keys.encryption, r.sealed)) as AuditEntry & { at: string };
        return { ...parsed, at: new Date(parsed.at) };
      });
      const ids = rows.map((r) => r.id);
      await this.stores.clinical.transaction(async (clinical) => {
        const held = await clinical.query<{ outbox: string }>("SELECT detail->>'outbox' AS outbox FROM audit_events WHERE detail->>'outbox' = ANY($1::text[])", [ids]);
        const inChain = new Set(held.rows.map((r) => r.outbox));
        await appendAuditInTransaction(clinical, this.keys.audit, entries.filter((e) => !inChain.has(String(e.detail?.outbox))));
      });
      await tx.query('DELETE FROM audit_outbox WHERE id = ANY($1::uuid[])', [ids]);
      return rows.length;
    });
  }
}

function eventOf<T>(event: ChangeEvent<T>, result: T): AuditEvent {
  return typeof event === 'function' ? event(result) : event;
}
