import { createHmac } from 'node:crypto';
import type { Db } from '@renkei/store';
import { assertStorableEntry } from './audit-text.js';

/** One thing that happened, as the audit trail keeps it. */
export interface AuditEntry {
  /** A user id, or a process name such as `cli:history`. */
  actor: string;
  actorKind: 'person' | 'process';
  role?: string | null;
  facility?: string | null;
  terminal?: string | null;
  /** What was done: `history.view`, `claims.ingest`, `login`, … */
  action: string;
  /** The patient concerned (clinical pseudonym), if any. */
  pseudonym?: string | null;
  outcome: 'allowed' | 'refused' | 'failed';
  detail?: Record<string, unknown>;
  /** When it happened, if not now: a record that waited in the outbox keeps the time of its change. */
  at?: Date;
}

export interface AuditVerification {
  checked: number;
  ok: boolean;
  /** The first record that does not fit the chain, and why. */
  problem?: string;
}

/**
 * Appends one record to the hash chain. Each record's hash is an HMAC under the
 * server's audit key over the previous hash and the record itself, so that one
 * who can write to the database still cannot forge or re-chain it.
 */
export async function appendAudit(db: Db, auditKey: Buffer, entry: AuditEntry): Promise<{ id: number; hash: string }> {
  return (await appendAuditBatch(db, auditKey, [entry]))[0]!;
}

/**
 * Appends records in order, in one transaction: the chain head is locked once for all of them.
 * Text the trail cannot store is refused (InvalidAuditText) before anything is written.
 */
export async function appendAuditBatch(db: Db, auditKey: Buffer, entries: readonly AuditEntry[]): Promise<Array<{ id: number; hash: string }>> {
  if (entries.length === 0) return [];
  return db.transaction((tx) => appendAuditInTransaction(tx, auditKey, entries));
}

/** Appends records inside the caller's transaction of the clinical store: they commit, or not, with the caller's change. */
export async function appendAuditInTransaction(tx: Db, auditKey: Buffer, entries: readonly AuditEntry[]): Promise<Array<{ id: number; hash: string }>> {
  if (entries.length === 0) return [];
  for (const entry of entries) assertStorableEntry(entry);
  const head = await tx.query<{ last_id: string; last_hash: string }>('SELECT last_id, last_hash FROM audit_chain_head FOR UPDATE');
  let id = Number(head.rows[0]!.last_id);
  let previousHash = head.rows[0]!.last_hash;
  const at = new Date();
  const records = entries.map((entry) => {
    id++;
    const record = normalize(id, entry.at ?? at, entry);
    const hash = chainHash(auditKey, previousHash, record);
    const row = { record, prevHash: previousHash, hash };
    previousHash = hash;
    return row;
  });
  const column = <T>(pick: (r: (typeof records)[number]) => T) => records.map(pick);
  await tx.query(
    `INSERT INTO audit_events (id, at, actor, actor_kind, role, facility, terminal, action, pseudonym, outcome, detail, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::text[], $11::jsonb[], $12::text[], $13::text[])`,
    [
      column((r) => r.record.id),
      column((r) => r.record.at),
      column((r) => r.record.actor),
      column((r) => r.record.actorKind),
      column((r) => r.record.role),
      column((r) => r.record.facility),
      column((r) => r.record.terminal),
      column((r) => r.record.action),
      column((r) => r.record.pseudonym),
      column((r) => r.record.outcome),
      column((r) => JSON.stringify(r.record.detail)),
      column((r) => r.prevHash),
      column((r) => r.hash),
    ],
  );
  await tx.query('UPDATE audit_chain_head SET last_id = $1, last_hash = $2', [id, previousHash]);
  return records.map((r) => ({ id: r.record.id, hash: r.hash }));
}

/**
 * Walks the whole chain in id order, in pages: every record must follow from the one before,
 * and the chain must end where its head says. Appends may go on meanwhile: the head is read
 * before the walk (every record up to it is committed) and again after it (it cannot be
 * behind a record already read, unless someone moved it back).
 */
export async function verifyAuditTrail(db: Db, auditKey: Buffer, pageSize = 5000): Promise<AuditVerification> {
  const headBefore = await readChainHead(db);
  let previousHash = 'genesis';
  let expectedId = 1;
  let checked = 0;
  for (;;) {
    const { rows } = await db.query<AuditRow>('SELECT * FROM audit_events WHERE id >= $1 ORDER BY id LIMIT $2', [expectedId, pageSize]);
    for (const row of rows) {
      const id = Number(row.id);
      if (id !== expectedId) return { checked, ok: false, problem: `record ${expectedId} is missing` };
      if (row.prev_hash !== previousHash) return { checked, ok: false, problem: `record ${id} does not follow record ${id - 1}` };
      const record = normalize(id, new Date(row.at), {
        actor: row.actor,
        actorKind: row.actor_kind,
        role: row.role,
        facility: row.facility,
        terminal: row.terminal,
        action: row.action,
        pseudonym: row.pseudonym,
        outcome: row.outcome,
        detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail,
      });
      if (chainHash(auditKey, previousHash, record) !== row.hash) return { checked, ok: false, problem: `record ${id} was altered` };
      if (id === headBefore.id && row.hash !== headBefore.hash) return { checked, ok: false, problem: `record ${id} is not the one the chain head names` };
      previousHash = row.hash;
      expectedId++;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  if (checked < headBefore.id) {
    return { checked, ok: false, problem: `the chain ends at record ${checked} but its head says ${headBefore.id}: records were removed` };
  }
  const headAfter = await readChainHead(db);
  if (headAfter.id < checked) return { checked, ok: false, problem: `the chain runs to record ${checked} but its head says ${headAfter.id}: the head was moved back` };
  return { checked, ok: true };
}

/** The last record of the chain as its head names it (id 0, hash `genesis` before the first). */
export async function readChainHead(db: Db): Promise<{ id: number; hash: string }> {
  const head = (await db.query<{ last_id: string; last_hash: string }>('SELECT last_id, last_hash FROM audit_chain_head')).rows[0]!;
  return { id: Number(head.last_id), hash: head.last_hash };
}

interface AuditRow {
  id: string;
  at: Date | string;
  actor: string;
  actor_kind: 'person' | 'process';
  role: string | null;
  facility: string | null;
  terminal: string | null;
  action: string;
  pseudonym: string | null;
  outcome: AuditEntry['outcome'];
  detail: Record<string, unknown> | string;
  prev_hash: string;
  hash: string;
}

type NormalizedRecord = Required<{ [K in keyof Omit<AuditEntry, 'at'>]: Exclude<AuditEntry[K], undefined> }> & { id: number; at: string };

function normalize(id: number, at: Date, entry: AuditEntry): NormalizedRecord {
  return {
    id,
    at: at.toISOString(),
    actor: entry.actor,
    actorKind: entry.actorKind,
    role: entry.role ?? null,
    facility: entry.facility ?? null,
    terminal: entry.terminal ?? null,
    action: entry.action,
    pseudonym: entry.pseudonym ?? null,
    outcome: entry.outcome,
    detail: entry.detail ?? {},
  };
}

function chainHash(key: Buffer, previousHash: string, record: NormalizedRecord): string {
  return createHmac('sha256', key).update(previousHash).update('\n').update(canonicalJson(record)).digest('hex');
}

/** JSON with object keys sorted, so that jsonb's reordering does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
