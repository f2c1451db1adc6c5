import type { Db } from '@renkei/store';
import type { AuditCheckpoint } from './checkpoint.js';

/** Checkpoints in the identity store's audit_checkpoints table (the chain itself is in the clinical store). */

/** Stores a checkpoint; storing the same one again (a retry after a lost answer) changes nothing. */
export async function insertCheckpoint(identity: Db, c: AuditCheckpoint): Promise<void> {
  await identity.query(
    `INSERT INTO audit_checkpoints (writer, seq, chain_id, chain_hash, at, log, stored, hmac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (writer, seq) DO NOTHING`,
    [c.writer, c.seq, c.id, c.hash, c.at, c.log, c.stored, c.hmac],
  );
}

/** The stored checkpoint of the highest chain id, if any. */
export async function newestStoredCheckpoint(identity: Db): Promise<{ id: number; hash: string } | undefined> {
  const { rows } = await identity.query<{ chain_id: string; chain_hash: string }>('SELECT chain_id, chain_hash FROM audit_checkpoints ORDER BY chain_id DESC LIMIT 1');
  return rows[0] && { id: Number(rows[0].chain_id), hash: rows[0].chain_hash };
}

/** How far the table goes now: a verification reads no row inserted after it started. */
export async function storedCheckpointsEnd(identity: Db): Promise<number> {
  const { rows } = await identity.query<{ n: string | null }>('SELECT max(n) AS n FROM audit_checkpoints');
  return Number(rows[0]!.n ?? 0);
}

/** Every writer's highest seq now. */
export async function storedCheckpointSeqs(identity: Db): Promise<Map<string, number>> {
  const { rows } = await identity.query<{ writer: string; seq: number }>('SELECT writer, max(seq) AS seq FROM audit_checkpoints GROUP BY writer');
  return new Map(rows.map((r) => [r.writer, Number(r.seq)]));
}

/** The rows up to `end`, in the order they were inserted (so each writer's in seq order), in pages. */
export async function* readStoredCheckpoints(identity: Db, end: number, pageSize = 5000): AsyncGenerator<AuditCheckpoint> {
  let after = 0;
  for (;;) {
    const { rows } = await identity.query<StoredCheckpointRow>('SELECT * FROM audit_checkpoints WHERE n > $1 AND n <= $2 ORDER BY n LIMIT $3', [after, end, pageSize]);
    for (const r of rows) {
      yield { writer: r.writer, seq: Number(r.seq), id: Number(r.chain_id), hash: r.chain_hash, at: new Date(r.at).toISOString(), log: r.log, stored: Number(r.stored), hmac: r.hmac };
    }
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.n);
  }
}

interface StoredCheckpointRow {
  n: string;
  writer: string;
  seq: number;
  chain_id: string;
  chain_hash: string;
  at: Date | string;
  log: string;
  stored: number;
  hmac: string;
}
