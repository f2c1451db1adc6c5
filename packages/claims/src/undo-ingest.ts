/**
 * Undoing an ingested delivery: its receipts and events go, the receipts it
 * replaced come back as they were, and the file may be ingested again. The
 * audit trail records the undo in the same transaction. Persons the delivery
 * registered stay in the identity store: a person is no history, and may have
 * been linked or carded since.
 */
import { appendAudit } from '@renkei/audit';
import type { ServerKeys, Stores } from '@renkei/store';

export interface UndoResult {
  sha256: string;
  /** The delivery's files (all its volumes), by name. */
  files: string[];
  /** The delivery's own receipts, removed. */
  receiptsRemoved: number;
  /** Receipts of earlier files it had replaced, current again. */
  receiptsRestored: number;
}

/** An undo that would not restore what was there before; nothing changed. */
export class UndoRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndoRefusedError';
  }
}

/**
 * Undoes the delivery holding the file with this SHA-256 (all its volumes).
 * Refused when a later file replaced receipts of it or was set aside for it:
 * undo that file first, so that each undo restores exactly the state before.
 *
 * @example
 *   await undoIngest(stores, keys, '3f5a…', { actor: 'cli:ingest' })
 */
export async function undoIngest(stores: Stores, keys: ServerKeys, sha256: string, options: { actor?: string } = {}): Promise<UndoResult> {
  const actor = options.actor ?? 'cli:ingest';
  try {
    return await stores.clinical.transaction(async (clinical) => {
      const { rows: files } = await clinical.query<{ id: string; file_name: string; facility_code: string }>(
        `SELECT f.id, f.file_name, f.facility_code FROM claim_files f
          WHERE f.delivery_id = (SELECT delivery_id FROM claim_files WHERE sha256 = $1)
          ORDER BY f.id FOR UPDATE`,
        [sha256],
      );
      if (files.length === 0) throw new UndoRefusedError(`no ingested file has SHA-256 ${sha256}`);
      const ids = files.map((f) => f.id);
      // Later files that replaced this delivery's receipts, or whose receipts lost to them.
      const { rows: later } = await clinical.query<{ file_name: string; sha256: string }>(
        `SELECT DISTINCT f.file_name, f.sha256
           FROM receipts r
           JOIN claim_files f ON f.id = r.superseded_in
           LEFT JOIN receipts winner ON winner.id = r.superseded_by
          WHERE r.superseded_in IS NOT NULL AND r.superseded_in <> ALL($1::uuid[])
            AND (r.file_id = ANY($1::uuid[]) OR winner.file_id = ANY($1::uuid[]))`,
        [ids],
      );
      if (later.length > 0) {
        const names = later.map((f) => `${f.file_name} (${f.sha256})`).join(', ');
        throw new UndoRefusedError(`${files[0]!.file_name}: later deliveries corrected its receipts: ${names}; undo them first`);
      }
      const restored = await clinical.query(
        'UPDATE receipts SET superseded_by = NULL, superseded_in = NULL WHERE superseded_in = ANY($1::uuid[]) AND file_id <> ALL($1::uuid[]) RETURNING id',
        [ids],
      );
      await clinical.query('DELETE FROM events WHERE receipt_id IN (SELECT id FROM receipts WHERE file_id = ANY($1::uuid[]))', [ids]);
      // Receipts of the delivery set aside for older ones point at them, not the reverse: one delete takes all.
      const removed = await clinical.query('DELETE FROM receipts WHERE file_id = ANY($1::uuid[]) RETURNING id', [ids]);
      await clinical.query('DELETE FROM claim_files WHERE id = ANY($1::uuid[])', [ids]);
      const result: UndoResult = { sha256, files: files.map((f) => f.file_name), receiptsRemoved: removed.rows.length, receiptsRestored: restored.rows.length };
      await appendAudit(clinical, keys.audit, {
        actor,
        actorKind: 'process',
        facility: files[0]!.facility_code,
        action: 'claims.ingest.undo',
        outcome: 'allowed',
        detail: { ...result },
      });
      return result;
    });
  } catch (error) {
    await appendAudit(stores.clinical, keys.audit, {
      actor,
      actorKind: 'process',
      action: 'claims.ingest.undo',
      outcome: 'refused',
      detail: { sha256, reason: error instanceof UndoRefusedError ? error.message : 'the undo could not be stored' },
    });
    throw error;
  }
}
