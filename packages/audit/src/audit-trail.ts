import { createHmac } from 'node:crypto';
import type { Db } from '@renkei/store';

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
  return db.transaction(async (tx) => {
    const head = await tx.query<{ last_id: string; last_hash: string }>('SELECT last_id, last_hash FROM audit_chain_head FOR UPDATE');
    const previous = head.rows[0]!;
    const id = Number(previous.last_id) + 1;
    const record = normalize(id, new Date(), entry);
    const hash = chainHash(auditKey, previous.last_hash, record);
    await tx.query(
      `INSERT INTO audit_events (id, at, actor, actor_kind, role, facility, terminal, action, pseudonym, outcome, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [id, record.at, record.actor, record.actorKind, record.role, record.facility, record.terminal, record.action, record.pseudonym, record.outcome, JSON.stringify(record.detail), previous.last_hash, hash],
    );
    await tx.query('UPDATE audit_chain_head SET last_id = $1, last_hash = $2', [id, hash]);
    return { id, hash };
  });
}

/** Walks the whole chain in id order, in pages: every record must follow from the one before. */
export async function verifyAuditTrail(db: Db, auditKey: Buffer, pageSize = 5000): Promise<AuditVerification> {
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
      previousHash = row.hash;
      expectedId++;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  const head = (await db.query<{ last_id: string; last_hash: string }>('SELECT last_id, last_hash FROM audit_chain_head')).rows[0]!;
  if (Number(head.last_id) !== checked || head.last_hash !== previousHash) {
    return { checked, ok: false, problem: `the chain ends at record ${checked} but its head says ${head.last_id}: records were removed` };
  }
  return { checked, ok: true };
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

type NormalizedRecord = Required<{ [K in keyof AuditEntry]: Exclude<AuditEntry[K], undefined> }> & { id: number; at: string };

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
