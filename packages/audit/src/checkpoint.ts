import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './audit-trail.js';

/**
 * Where the audit chain stood at a moment: the id and hash of its last record,
 * signed under a key derived from the audit key. Kept outside the chain's own
 * table, it shows records that were cut from the tail afterwards.
 */
export interface AuditCheckpoint {
  /** The server process that wrote it (a random id per start). */
  writer: string;
  /** 1, 2, 3, … per writer, so that a removed checkpoint leaves a gap. */
  seq: number;
  /** The chain's last record then, and its hash. */
  id: number;
  hash: string;
  /** When (ISO 8601, the writer's clock). */
  at: string;
  /** host:path of the checkpoint file the writer wrote to. */
  log: string;
  /** The writer's checkpoints 1 to `stored` were in the identity store when this one was made. */
  stored: number;
  hmac: string;
}

export type UnsignedCheckpoint = Omit<AuditCheckpoint, 'hmac'>;

/** A key of its own (derived from the audit key), so that no checkpoint's HMAC can ever pass for a chain hash or the reverse. */
export function checkpointKey(auditKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', auditKey, 'renkei', 'audit checkpoint v1', 32));
}

export function signCheckpoint(key: Buffer, checkpoint: UnsignedCheckpoint): AuditCheckpoint {
  return { ...checkpoint, hmac: checkpointHmac(key, checkpoint) };
}

export function checkpointVerifies(key: Buffer, checkpoint: AuditCheckpoint): boolean {
  const expected = Buffer.from(checkpointHmac(key, checkpoint), 'hex');
  const given = Buffer.from(checkpoint.hmac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function checkpointHmac(key: Buffer, { writer, seq, id, hash, at, log, stored }: UnsignedCheckpoint): string {
  return createHmac('sha256', key).update(canonicalJson({ writer, seq, id, hash, at, log, stored })).digest('hex');
}

/** One line of the checkpoint file as a checkpoint, or undefined if it is not one. */
export function parseCheckpointLine(line: string): AuditCheckpoint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const c = value as Partial<AuditCheckpoint> | null;
  const isCheckpoint =
    c !== null &&
    typeof c === 'object' &&
    typeof c.writer === 'string' &&
    Number.isSafeInteger(c.seq) &&
    c.seq! > 0 &&
    Number.isSafeInteger(c.id) &&
    c.id! >= 0 &&
    typeof c.hash === 'string' &&
    typeof c.at === 'string' &&
    typeof c.log === 'string' &&
    Number.isSafeInteger(c.stored) &&
    typeof c.hmac === 'string';
  return isCheckpoint ? { writer: c.writer!, seq: c.seq!, id: c.id!, hash: c.hash!, at: c.at!, log: c.log!, stored: c.stored!, hmac: c.hmac! } : undefined;
}

/** A checkpoint as one line of the checkpoint file (newline included). */
export function checkpointLine(checkpoint: AuditCheckpoint): string {
  const { writer, seq, id, hash, at, log, stored, hmac } = checkpoint;
  return JSON.stringify({ writer, seq, id, hash, at, log, stored, hmac }) + '\n';
}
