/**
 * Retention and deletion. Exchange items are temporary copies: kept
 * RENKEI_RETENTION_DAYS (default 365) from sending, then deleted with their
 * texts, files and studies. The same deletion serves a patient's deletion
 * request (様式2). Crash-safe and idempotent, batch by batch: the studies are
 * released first (the image store's release is idempotent), then the item
 * goes in one transaction with its audit record, then its patient in the
 * identity store; the identity store's own sweep by date finishes a batch a
 * crash cut short. Nothing is deleted before its day: the identity row's date
 * is never earlier than its item's.
 */
import type { RequestContext } from '@renkei/access';
import type { RetentionResult } from '@renkei/api';
import type { AuditLog } from '@renkei/audit';
import type { Stores } from '@renkei/store';
import { jstDate } from './exchange-service.js';
import { studiesNotStored, type ExchangeStudies } from './studies.js';

export interface RetentionDeps {
  stores: Stores;
  audit: AuditLog;
  studies?: ExchangeStudies;
}

const BATCH = 500;

/** Deletes every item due on or before `now`'s day in Japan (with `dryRun`, counts them only). */
export async function runRetention(deps: RetentionDeps, ctx: RequestContext, options: { dryRun?: boolean; now?: Date } = {}): Promise<RetentionResult> {
  const today = jstDate(options.now ?? new Date());
  const { clinical, identity } = deps.stores;
  // Keyset order along (delete_on, id): a deleting run starts from the first due item each time (the ones before are gone); a dry run pages on.
  const due = (after: { deleteOn: string; id: string } | null) =>
    clinical.query<{ id: string; studies: string[]; bytes: string; delete_on: string }>(
      `SELECT i.id, i.studies, i.delete_on::text AS delete_on, (SELECT coalesce(sum(a.size_bytes), 0) FROM exchange_attachments a WHERE a.item_id = i.id) AS bytes
         FROM exchange_items i
        WHERE i.delete_on <= $1 AND ($2::date IS NULL OR (i.delete_on, i.id) > ($2::date, $3::uuid))
        ORDER BY i.delete_on, i.id LIMIT $4`,
      [today, after?.deleteOn ?? null, after?.id ?? null, BATCH],
    );
  const total: RetentionResult = { deletedItems: 0, deletedInstances: 0, deletedBytes: 0 };
  let after: { deleteOn: string; id: string } | null = null;
  for (;;) {
    const { rows } = await due(options.dryRun ? after : null);
    if (rows.length === 0) break;
    const result = await deleteItems(deps, ctx, rows, { dryRun: options.dryRun ?? false, action: 'exchange.retention', detail: { deleteOnOrBefore: today } });
    total.deletedItems += result.deletedItems;
    total.deletedInstances += result.deletedInstances;
    total.deletedBytes += result.deletedBytes;
    const last = rows[rows.length - 1]!;
    after = { deleteOn: last.delete_on, id: last.id };
    if (rows.length < BATCH) break;
  }
  if (!options.dryRun) await identity.query('DELETE FROM exchange_patients WHERE delete_on <= $1', [today]);
  return total;
}

/** Deletes these items everywhere (studies, files, texts, steps, the patient), recording it on the trail without contents. */
export async function deleteItems(
  deps: RetentionDeps,
  ctx: RequestContext,
  items: ReadonlyArray<{ id: string; studies: string[]; bytes: string | number }>,
  options: { dryRun: boolean; action: string; detail: Record<string, unknown> },
): Promise<RetentionResult> {
  const studies = deps.studies ?? studiesNotStored;
  let instances = 0;
  let bytes = 0;
  const ids = items.map((i) => i.id);
  // A study two of these items carry counts once (a dry run finds it again; a real run finds it gone).
  const counted = new Set<string>();
  for (const item of items) {
    const uids = item.studies.filter((uid) => !counted.has(uid));
    uids.forEach((uid) => counted.add(uid));
    const released = await studies.release(item.id, uids, { dryRun: options.dryRun, leaving: ids });
    instances += released.instances;
    bytes += released.bytes + Number(item.bytes);
  }
  const result = { deletedItems: items.length, deletedInstances: instances, deletedBytes: bytes };
  if (options.dryRun) return result;
  const { affectedRows } = await deps.audit.changeClinical(ctx.actor, (tx) => tx.query('DELETE FROM exchange_items WHERE id = ANY($1::uuid[])', [ids]), (done) => ({
    action: options.action,
    outcome: 'allowed',
    detail: { ...options.detail, items: done.affectedRows, instances, bytes },
  }));
  await deps.stores.identity.query('DELETE FROM exchange_patients WHERE item_id = ANY($1::uuid[])', [ids]);
  return { ...result, deletedItems: affectedRows };
}

/** Runs retention once a day (first a minute after start), inside `renkei serve`. */
export function scheduleRetention(run: () => Promise<unknown>, onError: (error: unknown) => void, intervalMs = 86_400_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    running ??= run()
      .catch(onError)
      .finally(() => (running = undefined));
  };
  const first = setTimeout(tick, Math.min(60_000, intervalMs));
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
