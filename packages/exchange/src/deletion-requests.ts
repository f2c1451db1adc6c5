/**
 * Deletion on request (様式2 データ削除申請). The operator finds a patient's
 * exchange items (by the facility and its patient ID, or by name and birth
 * date anywhere in the network), sees what a deletion covers, and deletes
 * every item, text, file and study of that patient; the request is kept with
 * what was deleted, never who the patient was, and the facility gets a
 * completion notice (PDF) telling it that the copies it downloaded are its
 * own to delete.
 */
import { randomUUID } from 'node:crypto';
import { carriesOutDeletionRequests, isRole, Refusal, type RequestContext } from '@renkei/access';
import type { exchangeDeletionLookup, RetentionResult } from '@renkei/api';
import type { AuditLog } from '@renkei/audit';
import { renderDeletionNoticePdf, type DeletionNotice } from '@renkei/documents';
import type { ServerKeys, Stores } from '@renkei/store';
import type { z } from 'zod';
import { sha256Hex } from './blob-crypto.js';
import { findExchangePatientItems } from './exchange-patients.js';
import { deleteItems } from './retention.js';
import type { ExchangeStudies } from './studies.js';

export interface DeletionDeps {
  stores: Stores;
  keys: ServerKeys;
  audit: AuditLog;
  networkName: string;
  studies?: ExchangeStudies;
}

type Lookup = z.output<typeof exchangeDeletionLookup>;

export interface DeletionPreview {
  items: Array<{ id: string; kind: string; status: string; fromFacility: string; toFacility: string; sentAt: string | null; deleteOn: string }>;
}

const notOperator = () => new Refusal('forbidden', 'role-forbidden', 'deletion requests are the operator\'s', 'この操作はネットワーク運用者のみ行えます');
const requestNotFound = () => new Refusal('not-found', 'deletion-request-not-found', 'no such deletion request', '該当する削除申請が見つかりません');

function assertOperator(ctx: RequestContext): void {
  const role = ctx.session?.user.role ?? ctx.actor.role;
  if (!role || !isRole(role) || !carriesOutDeletionRequests({ role, facilityCode: null })) throw notOperator();
}

async function facilityName(deps: DeletionDeps, code: string): Promise<string> {
  const { rows } = await deps.stores.identity.query<{ name: string }>('SELECT name FROM facilities WHERE code = $1', [code]);
  if (!rows[0]) throw new Refusal('invalid', 'facility-unknown', `no facility ${code}`, '申請元の医療機関コードが見つかりません');
  return rows[0].name;
}

async function itemsOf(deps: DeletionDeps, lookup: Lookup) {
  const ids = await findExchangePatientItems(deps.stores.identity, deps.keys, lookup);
  const { rows } = await deps.stores.clinical.query<{ id: string; kind: string; status: string; from_facility: string; to_facility: string; sent_at: Date | null; delete_on: string; studies: string[]; bytes: string }>(
    `SELECT i.id, i.kind, i.status, i.from_facility, i.to_facility, i.sent_at, i.delete_on::text AS delete_on, i.studies,
            (SELECT coalesce(sum(a.size_bytes), 0) FROM exchange_attachments a WHERE a.item_id = i.id) AS bytes
       FROM exchange_items i WHERE i.id = ANY($1::uuid[]) ORDER BY i.created_at, i.id`,
    [ids],
  );
  return { ids, rows };
}

/** What a deletion would cover, for the operator to check before carrying it out. */
export async function previewDeletion(deps: DeletionDeps, ctx: RequestContext, lookup: Lookup): Promise<DeletionPreview> {
  assertOperator(ctx);
  await facilityName(deps, lookup.facility);
  const { rows } = await itemsOf(deps, lookup);
  await deps.audit.record(ctx.actor, { action: 'exchange.deletion-preview', outcome: 'allowed', detail: { facility: lookup.facility, foundBy: 'patientId' in lookup ? 'patient-id' : 'name-and-birth-date', items: rows.length } });
  return {
    items: rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, fromFacility: r.from_facility.trim(), toFacility: r.to_facility.trim(), sentAt: r.sent_at?.toISOString() ?? null, deleteOn: r.delete_on })),
  };
}

/** Deletes the patient's items everywhere and records the request; answers what was deleted and the notice's SHA-256. */
export async function carryOutDeletion(
  deps: DeletionDeps,
  ctx: RequestContext,
  request: { lookup: Lookup; receivedOn: string; reference: string },
): Promise<RetentionResult & { id: string; noticeSha256: string }> {
  assertOperator(ctx);
  const name = await facilityName(deps, request.lookup.facility);
  const id = randomUUID();
  const { ids, rows } = await itemsOf(deps, request.lookup);
  const foundBy = 'patientId' in request.lookup ? 'patient-id' : 'name-and-birth-date';
  const deleted = await deleteItems({ stores: deps.stores, audit: deps.audit, ...(deps.studies ? { studies: deps.studies } : {}) }, ctx, rows, {
    dryRun: false,
    action: 'exchange.deletion-request',
    detail: { request: id, facility: request.lookup.facility, foundBy },
  });
  // Patient rows whose item had already gone (a deletion cut short) go too.
  await deps.stores.identity.query('DELETE FROM exchange_patients WHERE item_id = ANY($1::uuid[])', [ids]);
  const completedAt = new Date();
  const notice = noticeOf({ id, facility_code: request.lookup.facility, facility_name: name, network_name: deps.networkName, received_on: request.receivedOn, reference: request.reference, deleted_items: deleted.deletedItems, deleted_instances: deleted.deletedInstances, deleted_bytes: deleted.deletedBytes, recorded_at: completedAt });
  const noticeSha256 = sha256Hex(await renderDeletionNoticePdf(notice));
  await deps.audit.changeIdentity(
    ctx.actor,
    (tx) =>
      tx.query(
        `INSERT INTO exchange_deletion_requests (id, facility_code, facility_name, network_name, received_on, reference, found_by, recorded_by, recorded_at, deleted_items, deleted_instances, deleted_bytes, notice_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [id, request.lookup.facility, name, deps.networkName, request.receivedOn, request.reference, foundBy, ctx.actor.actor, completedAt, deleted.deletedItems, deleted.deletedInstances, deleted.deletedBytes, noticeSha256],
      ),
    { action: 'exchange.deletion-recorded', outcome: 'allowed', detail: { request: id, facility: request.lookup.facility, items: deleted.deletedItems } },
  );
  return { id, ...deleted, noticeSha256 };
}

interface RequestRow {
  id: string;
  facility_code: string;
  facility_name: string;
  network_name: string;
  received_on: string;
  reference: string;
  deleted_items: number;
  deleted_instances: number;
  deleted_bytes: string | number;
  recorded_at: Date;
}

function noticeOf(r: RequestRow): DeletionNotice {
  return {
    id: r.id,
    facility: { code: r.facility_code.trim(), name: r.facility_name },
    receivedOn: r.received_on,
    reference: r.reference,
    deletedItems: r.deleted_items,
    deletedInstances: r.deleted_instances,
    deletedBytes: Number(r.deleted_bytes),
    completedAt: r.recorded_at,
    networkName: r.network_name,
  };
}

/** The completion notice, rendered from the stored request and checked against the SHA-256 kept when it was made. */
export async function deletionNoticePdf(deps: DeletionDeps, ctx: RequestContext, id: string): Promise<{ pdf: Buffer; sha256: string }> {
  assertOperator(ctx);
  const { rows } = /^[0-9a-f-]{36}$/i.test(id)
    ? await deps.stores.identity.query<RequestRow & { notice_sha256: string }>(
        `SELECT id, facility_code, facility_name, network_name, received_on::text AS received_on, reference, deleted_items, deleted_instances, deleted_bytes, recorded_at, notice_sha256
           FROM exchange_deletion_requests WHERE id = $1`,
        [id],
      )
    : { rows: [] };
  const row = rows[0];
  if (!row) throw requestNotFound();
  const pdf = await renderDeletionNoticePdf(noticeOf(row));
  const sha256 = sha256Hex(pdf);
  if (sha256 !== row.notice_sha256) throw new Refusal('unavailable', 'document-altered', `deletion request ${id} no longer renders its notice`, '保存された記録が作成時と一致しないため、PDF を出力できません');
  await deps.audit.record(ctx.actor, { action: 'exchange.deletion-notice', outcome: 'allowed', detail: { request: id, sha256 } });
  return { pdf, sha256 };
}
