/**
 * Consultations between facilities, as one caller may see and change them:
 * the service checks the policy (packages/access), the lifecycle and consent,
 * and audits every read and refusal itself; every change commits with its
 * audit record, its steps and its e-mail notices in one transaction of the
 * clinical store. The patient is written to the identity store first (a
 * failure after it leaves an orphan row, which expires on the same day the
 * item would have); the clinical contents follow.
 */
import { randomUUID } from 'node:crypto';
import {
  exchangeBoxScope,
  mayActOnExchange,
  mayBeAssignedExchange,
  mayMarkKeyImages,
  mayPrepareExchangeFor,
  maySeeAttachedStudy,
  mayViewExchange,
  opensAsReceiver,
  preparesExchanges,
  sendsExchanges,
  receivesExchanges,
  Refusal,
  type ExchangeAction,
  type ExchangeActor,
  type ExchangeBox,
  type ExchangeBoxScope,
  type ExchangeParties,
  type RequestContext,
  type Role,
} from '@renkei/access';
import type {
  ExchangeBoxPage,
  ExchangeConsent,
  ExchangeDetail,
  ExchangeKeyImage,
  ExchangeKind,
  ExchangeListItem,
  ExchangeParty,
  ExchangeReportRequest,
  ExchangeStatus,
  ExchangeText,
  createExchangeRequest,
  exchangeKeyImageRequest,
  exchangeReportRequest,
} from '@renkei/api';
import type { AuditEvent, AuditLog } from '@renkei/audit';
import { renderExchangeAddendumPdf, renderExchangeLetterPdf, renderExchangeReportPdf, type ExchangeAddendum, type ExchangeLetter, type ExchangeReportKeyImage } from '@renkei/documents';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import type { z } from 'zod';
import { blobKey, openBlob, sealBlob, sha256Hex } from './blob-crypto.js';
import { DisplayNames } from './display-names.js';
import { markExchangePatientSent, readExchangePatients, storeExchangePatient } from './exchange-patients.js';
import { queueNotices, type NoticeKind } from './mail-notices.js';
import { studiesNotStored, type ExchangeStudies } from './studies.js';

export interface ExchangeServiceDeps {
  stores: Stores;
  keys: ServerKeys;
  audit: AuditLog;
  /** Items are kept this many days from sending (RENKEI_RETENTION_DAYS, default 365). */
  retentionDays: number;
  networkName: string;
  studies?: ExchangeStudies;
  now?: () => Date;
}

/** RENKEI_RETENTION_DAYS, else 365; anything but a whole number of days of at least one fails at start. */
export function retentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.RENKEI_RETENTION_DAYS;
  if (text === undefined || text === '') return 365;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1) throw new Error(`RENKEI_RETENTION_DAYS must be a whole number of days (1 or more), not "${text}"`);
  return days;
}

/** Looks at one study through an item, in one session, within this long are one audit record (the first look's). */
const STUDY_LOOK_COALESCE_MS = 60_000;
/** The (session, study) pairs remembered at most; beyond, the oldest are forgotten (and recorded again on their next look). */
const STUDY_LOOKS_KEPT = 10_000;

/** One answer for an item that does not exist and one the caller may not see. */
export const exchangeNotFound = () => new Refusal('not-found', 'exchange-not-found', 'no such exchange item', '該当する連携が見つかりません');
const wrongStatus = (status: string) =>
  new Refusal('conflict', 'exchange-status', `the item is ${status}: not possible now`, 'この連携の現在の状態では、この操作はできません（画面を更新してください）');
export const consentRequired = () =>
  new Refusal('invalid', 'consent-required', 'the patient\'s consent must be recorded before sending', '送信する前に、患者（未成年の場合は保護者）の同意を記録してください');

type CreateRequest = z.output<typeof createExchangeRequest>;
type ReportRequest = z.output<typeof exchangeReportRequest>;
type KeyImageRequest = z.output<typeof exchangeKeyImageRequest>;

/** Rendered PDFs kept in memory, newest used last. */
const RENDERED_DOCUMENTS = 256;
/** …and at most this many bytes of them (reports with key images' pictures are larger). */
const RENDERED_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** Days the item list marks as due for deletion. */
const DELETION_DUE_DAYS = 30;
const OPEN_STATUSES: readonly ExchangeStatus[] = ['sent', 'received', 'accepted', 'interim'];
const ANY_STATUS: readonly ExchangeStatus[] = ['draft', 'sent', 'received', 'accepted', 'interim', 'final', 'declined', 'withdrawn'];

const keyImageNotInItem = () =>
  new Refusal('invalid', 'key-image-not-attached', 'the instance is not in a study attached to the item', 'キー画像には、この連携に添付された検査の画像（とそのフレーム）を指定してください');
const keyImagesClosed = () =>
  new Refusal('conflict', 'key-images-closed', 'key images are marked while the report is being written, or after the final report for an addendum', 'キー画像は、報告を書いている間と、最終報告の後（追記のため）にだけ指定・取り消しできます');
const keyImageSigned = () =>
  new Refusal('conflict', 'key-image-signed', 'a signed final report or addendum lists this key image', 'このキー画像は署名済みの最終報告または追記に載っているため、取り消せません');

interface KeyImageRow {
  id: string;
  study_uid: string;
  series_uid: string;
  sop_instance_uid: string;
  frame: number;
  series_number: number | null;
  instance_number: number | null;
  note: string;
  marked_by: string;
  marked_at: Date;
  /** The frame as rendered when it was marked (sealed PNG), if it could be; read only for the texts that draw it. */
  picture_sealed?: Buffer | null;
}
const KEY_IMAGE_COLUMNS = 'id, study_uid, series_uid, sop_instance_uid, frame, series_number, instance_number, note, marked_by, marked_at';

/** The key images a signed text lists: those standing at `at`, marked after `after` (if set) by `by` (if set). */
interface KeyImageWindow {
  at: Date;
  after: Date | null;
  by: string | null;
}

const listedIn = (window: KeyImageWindow | null, k: KeyImageRow) =>
  window !== null && k.marked_at <= window.at && (window.after === null || k.marked_at > window.after) && (window.by === null || k.marked_by === window.by);

/** A key image as a signed text shows it: with its picture if the text was signed drawing them (migration 100). */
const reportKeyImage = (k: KeyImageRow, picture: (sealed: Buffer) => Buffer, draws: boolean): ExchangeReportKeyImage => ({
  seriesNumber: k.series_number,
  instanceNumber: k.instance_number,
  sopInstanceUid: k.sop_instance_uid,
  frame: k.frame,
  note: k.note,
  ...(draws && k.picture_sealed ? { picture: picture(k.picture_sealed) } : {}),
});

interface ItemRow {
  id: string;
  kind: ExchangeKind;
  status: ExchangeStatus;
  from_facility: string;
  from_user: string;
  prepared_by: string | null;
  to_facility: string;
  to_user: string | null;
  to_liaison: boolean;
  in_reply_to: string | null;
  department: string;
  subject: string;
  body: string;
  urgency: 'normal' | 'urgent';
  reply_by: Date | null;
  studies: string[];
  created_at: Date;
  sent_at: Date | null;
  received_at: Date | null;
  delete_on: string;
  letter_sha256: string | null;
  letter_parties: LetterParties | null;
}

/** An item as it opens: its row, and its steps, attachments and texts as JSON (times as ISO text). */
interface DetailRow extends ItemRow {
  detail_steps: Array<{ step: string; actor: string; actor_facility: string | null; at: string; detail: Record<string, unknown> }>;
  detail_attachments: Array<{ id: string; name: string; media_type: string; size_bytes: number; sha256: string }>;
  detail_texts: Array<Pick<TextRow, 'kind' | 'author' | 'author_facility' | 'author_name' | 'findings' | 'impression' | 'reason' | 'pdf_sha256'> & { signed_at: string }>;
}

interface TextRow {
  id: string;
  kind: ExchangeText['kind'];
  author: string;
  author_facility: string;
  author_name: string;
  author_facility_name: string;
  findings: string;
  impression: string;
  reason: string;
  signed_at: Date;
  pdf_sha256: string | null;
  /** An addendum signed since addenda list key images (migration 099). */
  lists_key_images: boolean;
  /** Signed since texts draw their key images' pictures (migration 100). */
  draws_key_images: boolean;
}

/** The names a letter printed, kept with it. */
interface LetterParties {
  from: { facilityName: string; userName: string | null };
  to: { facilityName: string; userName: string | null };
  networkName: string;
}

const ITEM_COLUMNS = `id, kind, status, from_facility, from_user, prepared_by, to_facility, to_user, to_liaison, in_reply_to, department, subject, body, urgency,
  reply_by, studies, created_at, sent_at, received_at, delete_on::text AS delete_on, letter_sha256, letter_parties`;

/** What a box lists of each item (and the policy needs): not its body, studies or letter, which only opening it shows. */
/** A timestamptz as ISO text in UTC, to the millisecond (as Date#toISOString writes it) or to the microsecond. */
const utcIsoText = (column: string, fraction: 'MS' | 'US') => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;
/**
 * A time as the API writes it, formatted by the database: a box page's hundred rows would
 * otherwise parse and format three hundred dates. Named apart from its column, so that a
 * box's ORDER BY still means the indexed column.
 */
const isoTime = (column: string) => `${utcIsoText(column, 'MS')} AS ${column}_iso`;
const LIST_COLUMNS = `id, kind, status, from_facility, from_user, prepared_by, to_facility, to_user, to_liaison, subject, urgency,
  ${isoTime('reply_by')}, ${isoTime('created_at')}, ${isoTime('sent_at')}, delete_on::text AS delete_on`;
type ListRow = Pick<ItemRow, 'id' | 'kind' | 'status' | 'from_facility' | 'from_user' | 'prepared_by' | 'to_facility' | 'to_user' | 'to_liaison' | 'subject' | 'urgency' | 'delete_on'> & {
  reply_by_iso: string | null;
  created_at_iso: string;
  sent_at_iso: string | null;
};
const listRowOf = (r: ItemRow): ListRow => ({ ...r, reply_by_iso: r.reply_by?.toISOString() ?? null, created_at_iso: r.created_at.toISOString(), sent_at_iso: r.sent_at?.toISOString() ?? null });

const parties = (r: Pick<ItemRow, 'from_facility' | 'from_user' | 'prepared_by' | 'to_facility' | 'to_user' | 'to_liaison' | 'status'>): ExchangeParties => ({
  fromFacility: r.from_facility.trim(),
  fromUser: r.from_user,
  preparedBy: r.prepared_by,
  toFacility: r.to_facility.trim(),
  toUser: r.to_user,
  toLiaison: r.to_liaison,
  status: r.status,
});

export class ExchangeService {
  private readonly studies: ExchangeStudies;
  private readonly blobKey: Buffer;
  private readonly now: () => Date;
  private readonly displayNames: DisplayNames;
  private readonly documents = new Map<string, Buffer>();
  private documentBytes = 0;
  private readonly openPicture = (sealed: Buffer) => openBlob(this.blobKey, sealed);
  /** When each (session, study) look through an item was last recorded (ms), so that a scrolled stack is one record a minute, not one a frame. */
  private readonly studyLooks = new Map<string, number>();

  constructor(private readonly deps: ExchangeServiceDeps) {
    this.studies = deps.studies ?? studiesNotStored;
    this.blobKey = blobKey(deps.keys.encryption);
    this.now = deps.now ?? (() => new Date());
    this.displayNames = new DisplayNames(deps.stores.identity);
  }

  /** A new item: sent at once (consent required), or kept as a draft for its clinician to send. */
  async create(ctx: RequestContext, request: CreateRequest): Promise<{ id: string; status: ExchangeStatus }> {
    const actor = this.actorOf(ctx);
    const { identity } = this.deps.stores;
    return this.refusalsAudited(ctx, 'exchange.create', { kind: request.kind }, async () => {
      if (!sendsExchanges(actor.role) && !preparesExchanges(actor.role)) {
        throw new Refusal('forbidden', 'exchange-read-only', `a ${actor.role} follows items, and sends none`, 'この職種では連携を作成できません（閲覧のみ）');
      }
      const senderId = request.for ?? actor.id;
      const sender = await this.user(senderId);
      if (!sender || !mayPrepareExchangeFor(actor, sender)) {
        throw new Refusal('invalid', 'sender-not-allowed', 'the item must be sent by a clinician of your facility', '送信者には自施設の医師・歯科医師を指定してください');
      }
      const draft = request.draft || actor.id !== sender.id;
      if (!draft && !request.consent) throw consentRequired();
      const to = await this.addressee(sender.facilityCode!, request.to);
      if (request.inReplyTo) {
        const earlier = await this.readItem(this.deps.stores.clinical, request.inReplyTo);
        if (!earlier || !mayViewExchange(actor, parties(earlier))) throw exchangeNotFound();
      }
      for (const studyUid of new Set(request.studies)) {
        if (!(await this.mayAttachStudy(actor, sender, studyUid))) {
          throw new Refusal('invalid', 'study-unknown', `no such study: ${studyUid}`, '添付する検査が見つかりません（自施設で保管した検査、または閲覧できる連携の検査を指定してください）');
        }
      }
      const attachments = request.attachments.map((a) => {
        const content = Buffer.from(a.content, 'base64');
        if (a.mediaType === 'application/pdf' ? !content.subarray(0, 5).equals(Buffer.from('%PDF-')) : !looksLike(a.mediaType, content)) {
          throw new Refusal('invalid', 'attachment-type', `${a.name} is not a ${a.mediaType}`, `添付ファイル「${a.name}」の中身が種類（${a.mediaType}）と一致しません`);
        }
        return { id: randomUUID(), name: a.name, mediaType: a.mediaType, content };
      });
      const id = randomUUID();
      const now = this.now();
      const draftDeleteOn = this.deleteOn(now);
      await storeExchangePatient(identity, this.deps.keys, { itemId: id, facility: sender.facilityCode!, patient: request.patient, consent: request.consent, deleteOn: draftDeleteOn });
      try {
        return await this.deps.audit.changeClinical(
          ctx.actor,
          async (tx) => {
            await tx.query(
              `INSERT INTO exchange_items (id, kind, status, from_facility, from_user, prepared_by, to_facility, to_user, to_liaison, in_reply_to, department,
                                           subject, body, urgency, reply_by, studies, created_at, delete_on)
               VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
              [
                id,
                request.kind,
                sender.facilityCode,
                sender.id,
                actor.id === sender.id ? null : actor.id,
                to.facility,
                to.userId,
                to.userId === null,
                request.inReplyTo ?? null,
                request.department,
                request.subject,
                request.body,
                request.urgency,
                request.replyBy ? new Date(request.replyBy) : null,
                request.studies,
                now,
                draftDeleteOn,
              ],
            );
            for (const a of attachments) {
              await tx.query(
                'INSERT INTO exchange_attachments (id, item_id, name, media_type, size_bytes, sha256, content, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
                [a.id, id, a.name, a.mediaType, a.content.length, sha256Hex(a.content), sealBlob(this.blobKey, a.content), actor.id],
              );
            }
            await this.step(tx, id, 'created', actor, { draft, attachments: attachments.length, studies: request.studies.length });
            if (draft) return { id, status: 'draft' as const };
            await this.sendInTransaction(tx, ctx, id, request.consent);
            return { id, status: 'sent' as const };
          },
          (result) => ({ action: 'exchange.create', outcome: 'allowed', detail: { item: id, kind: request.kind, status: result.status, to: to.facility } }),
        );
      } catch (error) {
        await identity.query('DELETE FROM exchange_patients WHERE item_id = $1', [id]).catch(() => undefined);
        throw error;
      }
    });
  }

  /** The clinician sends their draft (prepared by a technologist, or kept by themself). */
  async send(ctx: RequestContext, id: string, consent: ExchangeConsent | undefined): Promise<void> {
    await this.change(ctx, id, 'exchange.send', 'sender', ['draft'], async (tx) => {
      await this.sendInTransaction(tx, ctx, id, consent);
    });
  }

  /**
   * A clinician's or the liaison's boxes, newest first, `limit` items a page:
   * `next` (when more remain) is where the page ended, the ordering time to
   * the microsecond and the item's id, so that items sharing a time are
   * neither skipped nor repeated. Items the policy hides are read and passed
   * over, so a page may hold fewer than `limit`.
   */
  async list(ctx: RequestContext, box: ExchangeBox, page: { limit?: number; after?: string } = {}): Promise<ExchangeBoxPage> {
    const actor = this.actorOf(ctx);
    const limit = page.limit ?? 100;
    const after = page.after === undefined ? undefined : decodeBoxCursor(page.after);
    if (after === null) {
      await this.audit(ctx, { action: 'exchange.list', outcome: 'refused', detail: { box, reason: badBoxCursor.code } });
      throw badBoxCursor;
    }
    const query = boxQuery(exchangeBoxScope(actor, box), limit + 1, after);
    const rows = query ? (await this.deps.stores.clinical.query<ListRow & { box_key: string }>(query.sql, query.params)).rows : [];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const visible = rows.slice(0, limit).filter((r) => mayViewExchange(actor, parties(r)));
    const items = await this.listItems(visible);
    await this.audit(ctx, { action: 'exchange.list', outcome: 'allowed', detail: { box, items: items.length, ...(after ? { after: page.after } : {}) } });
    return last ? { items, next: encodeBoxCursor(last.box_key, last.id) } : { items };
  }

  /** One item with its patient, steps and texts. The first open by whoever receives it is its receipt. */
  async open(ctx: RequestContext, id: string): Promise<ExchangeDetail> {
    const actor = this.actorOf(ctx);
    let row: DetailRow = await this.visibleRow(ctx, id, 'exchange.open', (db, itemId) => this.readDetail(db, itemId));
    if (row.status === 'sent' && opensAsReceiver(actor, parties(row))) {
      await this.deps.audit.changeClinical(
        ctx.actor,
        async (tx) => {
          const { affectedRows } = await tx.query("UPDATE exchange_items SET status = 'received', received_at = $2 WHERE id = $1 AND status = 'sent'", [id, this.now()]);
          if (affectedRows > 0) await this.step(tx, id, 'received', actor, {});
        },
        { action: 'exchange.receive', outcome: 'allowed', detail: { item: id } },
      );
      row = (await this.readDetail(this.deps.stores.clinical, id))!;
    }
    const detail = await this.detailOf(row);
    await this.audit(ctx, { action: 'exchange.open', outcome: 'allowed', detail: { item: id } });
    return detail;
  }

  async accept(ctx: RequestContext, id: string): Promise<void> {
    await this.change(ctx, id, 'exchange.accept', 'reader', ['sent', 'received'], async (tx, row, actor) => {
      await tx.query("UPDATE exchange_items SET status = 'accepted', received_at = COALESCE(received_at, $2) WHERE id = $1", [id, this.now()]);
      await this.step(tx, id, 'accepted', actor, {});
      void row;
    });
  }

  /** The liaison gives an item addressed to the facility to one of its clinicians, who then owns it. */
  async assign(ctx: RequestContext, id: string, userId: string): Promise<void> {
    const actor = this.actorOf(ctx);
    await this.change(ctx, id, 'exchange.assign', 'assign', OPEN_STATUSES, async (tx, row) => {
      const clinician = await this.user(userId);
      if (!clinician || !mayBeAssignedExchange(actor, clinician)) {
        throw new Refusal('invalid', 'assignee-not-allowed', 'assign to an active clinician of your facility', '自施設の医師・歯科医師（有効な ID）を選んでください');
      }
      await tx.query('UPDATE exchange_items SET to_user = $2, received_at = COALESCE(received_at, $3), status = CASE WHEN status = \'sent\' THEN \'received\' ELSE status END WHERE id = $1', [id, userId, this.now()]);
      await this.step(tx, id, 'assigned', actor, { to: userId, before: row.to_user });
      await queueNotices(tx, [userId], 'assignment', row.kind, this.now());
    });
  }

  /** A report (interim or final) or a decline (読影しない), signed now; its PDF's SHA-256 is kept. */
  async report(ctx: RequestContext, id: string, request: ReportRequest): Promise<{ sha256: string }> {
    const final = 'decline' in request ? 'declined' : request.interim ? 'interim' : 'final';
    let sha256 = '';
    await this.change(ctx, id, `exchange.report`, 'reader', ['sent', 'received', 'accepted', 'interim'], async (tx, row, actor) => {
      if (row.kind === 'share' || row.kind === 'progress') {
        throw new Refusal('conflict', 'no-answer-expected', `a ${row.kind} item expects no report`, 'この種類の連携には報告を返しません');
      }
      if ('decline' in request && request.reason.trim() === '') {
        throw new Refusal('invalid', 'decline-reason-required', 'a decline states its reason', '読影しない理由（例：不在のため、画像が読影できない画質のため）を入力してください');
      }
      const signedAt = this.now();
      const author = await this.user(actor.id);
      const authorFacilityName = (await this.facilityNames([actor.facilityCode!])).get(actor.facilityCode!.trim()) ?? actor.facilityCode!;
      const text = {
        kind: final,
        author_name: author?.displayName ?? actor.id,
        author_facility_name: authorFacilityName,
        author_facility: actor.facilityCode!,
        findings: 'decline' in request ? '' : request.findings,
        impression: 'decline' in request ? '' : request.impression,
        reason: 'decline' in request ? request.reason : '',
        signed_at: signedAt,
      } as const;
      const pdf = await this.renderReport(tx, row, { ...text, id: '', author: actor.id, pdf_sha256: null, lists_key_images: false, draws_key_images: true });
      sha256 = sha256Hex(pdf);
      await tx.query(
        `INSERT INTO exchange_texts (item_id, kind, author, author_facility, author_name, author_facility_name, findings, impression, reason, signed_at, pdf_sha256, draws_key_images)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true)`,
        [id, final, actor.id, text.author_facility, text.author_name, text.author_facility_name, text.findings, text.impression, text.reason, signedAt, sha256],
      );
      await tx.query('UPDATE exchange_items SET status = $2, answered_at = CASE WHEN $2 = \'interim\' THEN answered_at ELSE $3::timestamptz END WHERE id = $1', [id, final, signedAt]);
      await this.step(tx, id, final, actor, { sha256 });
      await queueNotices(tx, [row.from_user], final === 'declined' ? 'decline' : 'report', row.kind, this.now());
    }, { kind: final });
    return { sha256 };
  }

  /** The key images (キー画像) marked on an item and not taken back, in the order they were marked, for whoever sees it. */
  async keyImages(ctx: RequestContext, id: string): Promise<ExchangeKeyImage[]> {
    await this.visibleItem(ctx, id, 'exchange.key-images');
    const rows = await this.keyImageRows(this.deps.stores.clinical, id);
    await this.audit(ctx, { action: 'exchange.key-images', outcome: 'allowed', detail: { item: id, keyImages: rows.length } });
    return rows.map((r) => ({
      id: r.id,
      studyInstanceUid: r.study_uid,
      seriesInstanceUid: r.series_uid,
      sopInstanceUid: r.sop_instance_uid,
      frame: r.frame,
      note: r.note,
      markedAt: r.marked_at.toISOString(),
    }));
  }

  /**
   * The reader marks a key image: an instance of a study attached to the
   * item, as the image index knows it, and one of its frames. Its series and
   * instance numbers are kept with it, for the report.
   */
  async markKeyImage(ctx: RequestContext, id: string, request: KeyImageRequest): Promise<{ id: string }> {
    const keyId = randomUUID();
    // Rendered before the item is locked, and only for a study of an item the caller sees and marks on; the change checks it all again.
    const seen = await this.visibleItem(ctx, id, 'exchange.key-image-mark');
    const mayMark = mayMarkKeyImages(this.actorOf(ctx), parties(seen), seen.kind) && seen.studies.includes(request.studyInstanceUid);
    const picture = mayMark ? await this.studies.keyImagePicture?.(request.sopInstanceUid, request.frame) : undefined;
    await this.change(ctx, id, 'exchange.key-image-mark', 'reader', ANY_STATUS, async (tx, row, actor) => {
      if (!mayMarkKeyImages(actor, parties(row), row.kind)) throw keyImagesClosed();
      if (!row.studies.includes(request.studyInstanceUid)) throw keyImageNotInItem();
      const { rows } = await tx.query<{ study_uid: string; series_uid: string; number_of_frames: number; instance_number: number | null; series_number: number | null }>(
        `SELECT i.study_uid, i.series_uid, i.number_of_frames, i.instance_number, s.series_number
           FROM imaging_instances i JOIN imaging_series s ON s.series_uid = i.series_uid WHERE i.sop_instance_uid = $1`,
        [request.sopInstanceUid],
      );
      const instance = rows[0];
      if (!instance || instance.study_uid !== request.studyInstanceUid || instance.series_uid !== request.seriesInstanceUid || request.frame > instance.number_of_frames) {
        throw keyImageNotInItem();
      }
      const { rows: marked } = await tx.query('SELECT 1 FROM exchange_key_images WHERE item_id = $1 AND sop_instance_uid = $2 AND frame = $3 AND removed_at IS NULL', [id, request.sopInstanceUid, request.frame]);
      if (marked.length > 0) throw new Refusal('conflict', 'key-image-marked', 'this frame is a key image already', 'この画像（フレーム）はすでにキー画像です');
      await tx.query(
        `INSERT INTO exchange_key_images (id, item_id, study_uid, series_uid, sop_instance_uid, frame, series_number, instance_number, note, marked_by, marked_at, picture_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [keyId, id, request.studyInstanceUid, request.seriesInstanceUid, request.sopInstanceUid, request.frame, instance.series_number, instance.instance_number, request.note, actor.id, this.now(), picture ? sealBlob(this.blobKey, picture) : null],
      );
    }, { keyImage: keyId });
    return { id: keyId };
  }

  /**
   * The reader takes a key image back. It is kept as removed, so that a report
   * signed while it stood renders as it was signed. One that a final report or
   * an addendum lists stays: the referring doctor has it as signed (an interim
   * report's may still change with the final one).
   */
  async removeKeyImage(ctx: RequestContext, id: string, keyId: string): Promise<void> {
    await this.change(ctx, id, 'exchange.key-image-remove', 'reader', ANY_STATUS, async (tx, row, actor) => {
      if (!mayMarkKeyImages(actor, parties(row), row.kind)) throw keyImagesClosed();
      const { rows } = isUuid(keyId)
        ? await tx.query<KeyImageRow>(`SELECT ${KEY_IMAGE_COLUMNS} FROM exchange_key_images WHERE id = $1 AND item_id = $2 AND removed_at IS NULL`, [keyId, id])
        : { rows: [] };
      const mark = rows[0];
      if (!mark) throw new Refusal('not-found', 'key-image-not-found', 'no such key image on this item', 'このキー画像は見つかりません（画面を更新してください）');
      const texts = await this.texts(tx, id);
      if (texts.some((t) => (t.kind === 'final' || t.kind === 'addendum') && listedIn(keyImageWindow(texts, t), mark))) throw keyImageSigned();
      await tx.query('UPDATE exchange_key_images SET removed_by = $2, removed_at = $3 WHERE id = $1', [keyId, actor.id, this.now()]);
    }, { keyImage: keyId });
  }

  /** The sender takes back an item not yet answered. */
  async withdraw(ctx: RequestContext, id: string, reason: string): Promise<void> {
    await this.change(ctx, id, 'exchange.withdraw', 'sender', OPEN_STATUSES, async (tx, _row, actor) => {
      await tx.query("UPDATE exchange_items SET status = 'withdrawn' WHERE id = $1", [id]);
      await this.step(tx, id, 'withdrawn', actor, reason ? { reason } : {});
    });
  }

  /** A correction or addition to what was sent or reported: kept beside the first version, which stays as it was. */
  async addendum(ctx: RequestContext, id: string, text: string): Promise<void> {
    const actor = this.actorOf(ctx);
    const row = await this.visibleItem(ctx, id, 'exchange.addendum');
    const side: ExchangeAction | undefined = mayActOnExchange(actor, parties(row), 'sender') ? 'sender' : mayActOnExchange(actor, parties(row), 'reader') ? 'reader' : undefined;
    if (!side) {
      await this.audit(ctx, { action: 'exchange.addendum', outcome: 'refused', detail: { item: id, reason: 'read-only' } });
      throw new Refusal('forbidden', 'exchange-read-only', 'only the sender or the reader adds to an item', 'この連携は閲覧のみできます');
    }
    await this.change(ctx, id, 'exchange.addendum', side, ['sent', 'received', 'accepted', 'interim', 'final', 'declined'], async (tx, locked) => {
      const author = await this.user(actor.id);
      const facilityName = (await this.facilityNames([actor.facilityCode!])).get(actor.facilityCode!.trim()) ?? actor.facilityCode!;
      const signed: TextRow = {
        id: '',
        kind: 'addendum',
        author: actor.id,
        author_facility: actor.facilityCode!,
        author_name: author?.displayName ?? actor.id,
        author_facility_name: facilityName,
        findings: text,
        impression: '',
        reason: '',
        signed_at: this.now(),
        pdf_sha256: null,
        lists_key_images: true,
        draws_key_images: true,
      };
      // The item is locked: no other text comes between those read here and this one.
      const pdf = await this.renderAddendum(tx, locked, [...(await this.texts(tx, id)), signed]);
      await tx.query(
        `INSERT INTO exchange_texts (item_id, kind, author, author_facility, author_name, author_facility_name, findings, signed_at, pdf_sha256, lists_key_images, draws_key_images)
         VALUES ($1, 'addendum', $2, $3, $4, $5, $6, $7, $8, true, true)`,
        [id, actor.id, signed.author_facility, signed.author_name, facilityName, text, signed.signed_at, sha256Hex(pdf)],
      );
      await this.step(tx, id, 'addendum', actor, { side, sha256: sha256Hex(pdf) });
      const otherSide = side === 'sender' ? (locked.to_user ? [locked.to_user] : await this.liaisonsOf(locked.to_facility)) : [locked.from_user];
      await queueNotices(tx, otherSide, 'addendum', locked.kind, this.now());
    });
  }

  /** The request as sent, as A4 PDF, rendered from the stored record and checked against the SHA-256 kept when it was sent. */
  async letterPdf(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; sha256: string }> {
    const row = await this.visibleItem(ctx, id, 'exchange.letter-pdf');
    if (!row.sent_at || !row.letter_sha256) {
      await this.audit(ctx, { action: 'exchange.letter-pdf', outcome: 'refused', detail: { item: id, reason: 'not sent' } });
      throw new Refusal('conflict', 'exchange-not-sent', 'a draft has no letter yet', '下書きは送信後に PDF になります');
    }
    const pdf = await this.rendered(await this.letterOf(this.deps.stores.clinical, row, row.sent_at, row.letter_parties!), renderExchangeLetterPdf);
    return this.checkedDocument(ctx, 'exchange.letter-pdf', id, pdf, row.letter_sha256);
  }

  /** The latest report (final, decline, else interim) as A4 PDF, checked against the SHA-256 kept at signing. */
  async reportPdf(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; sha256: string }> {
    const row = await this.visibleItem(ctx, id, 'exchange.report-pdf');
    const texts = await this.texts(this.deps.stores.clinical, row.id);
    const report = latestReport(texts);
    if (!report || !report.pdf_sha256) {
      await this.audit(ctx, { action: 'exchange.report-pdf', outcome: 'refused', detail: { item: id, reason: 'no report' } });
      throw new Refusal('not-found', 'report-not-found', 'no report yet', 'まだ報告はありません');
    }
    return this.checkedDocument(ctx, 'exchange.report-pdf', id, await this.renderReport(this.deps.stores.clinical, row, report), report.pdf_sha256);
  }

  /**
   * Addendum `number` (1 for the item's first) as A4 PDF: the report signed
   * before it and the addenda up to it; checked against the SHA-256 kept when
   * it was signed. Addenda stored before their PDFs were kept have none.
   */
  async addendumPdf(ctx: RequestContext, id: string, number: number): Promise<{ pdf: Buffer; sha256: string }> {
    const row = await this.visibleItem(ctx, id, 'exchange.addendum-pdf');
    const texts = await this.texts(this.deps.stores.clinical, row.id);
    const addendum = Number.isInteger(number) && number >= 1 ? texts.filter((t) => t.kind === 'addendum')[number - 1] : undefined;
    if (!addendum?.pdf_sha256) {
      await this.audit(ctx, { action: 'exchange.addendum-pdf', outcome: 'refused', detail: { item: id, addendum: number, reason: 'no such addendum' } });
      throw new Refusal('not-found', 'addendum-not-found', `no addendum ${number} with a PDF`, 'この番号の追記（PDF）はありません');
    }
    const pdf = await this.renderAddendum(this.deps.stores.clinical, row, texts.slice(0, texts.indexOf(addendum) + 1));
    return this.checkedDocument(ctx, 'exchange.addendum-pdf', id, pdf, addendum.pdf_sha256);
  }

  /** An attached file, decrypted, for someone who sees the item. */
  async attachment(ctx: RequestContext, id: string, attachmentId: string): Promise<{ name: string; mediaType: string; content: Buffer }> {
    await this.visibleItem(ctx, id, 'exchange.attachment');
    const { rows } = await this.deps.stores.clinical.query<{ name: string; media_type: string; content: Uint8Array }>(
      'SELECT name, media_type, content FROM exchange_attachments WHERE id = $1 AND item_id = $2',
      [attachmentId, id],
    );
    const file = rows[0];
    if (!file) {
      await this.audit(ctx, { action: 'exchange.attachment', outcome: 'refused', detail: { item: id, reason: 'no such attachment' } });
      throw exchangeNotFound();
    }
    await this.audit(ctx, { action: 'exchange.attachment', outcome: 'allowed', detail: { item: id, attachment: attachmentId } });
    return { name: file.name, mediaType: file.media_type, content: openBlob(this.blobKey, file.content) };
  }

  /**
   * Whether the caller sees an item carrying this study: the image store asks
   * before it answers a DICOMweb call on an attached study (one answer, 404,
   * for a study nobody attached and one the caller may not see).
   */
  async mayViewStudy(ctx: RequestContext, studyUid: string): Promise<boolean> {
    const actor = this.actorOf(ctx);
    const { rows } = await this.deps.stores.clinical.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM exchange_items WHERE studies @> ARRAY[$1::text] LIMIT 100`, [studyUid]);
    const allowed = rows.some((r) => maySeeAttachedStudy(actor, parties(r)));
    // A refusal is always recorded; an allowed look once per session and study per minute, the first one always.
    const key = ctx.session ? `${ctx.session.tokenHash}\u0000${studyUid}` : undefined;
    const now = this.now().getTime();
    if (!allowed || !this.lookedWithinMinute(key, now)) {
      await this.audit(ctx, { action: 'exchange.study', outcome: allowed ? 'allowed' : 'refused', detail: { study: studyUid } });
      if (allowed && key) this.rememberLook(key, now);
    }
    return allowed;
  }

  /** Whether an allowed look of this (session, study) was recorded less than a minute ago (without a session, a process: never). */
  private lookedWithinMinute(key: string | undefined, now: number): boolean {
    const last = key === undefined ? undefined : this.studyLooks.get(key);
    return last !== undefined && now - last >= 0 && now - last < STUDY_LOOK_COALESCE_MS;
  }

  private rememberLook(key: string, now: number): void {
    if (this.studyLooks.size >= STUDY_LOOKS_KEPT) {
      for (const [k, at] of this.studyLooks) if (!(now - at >= 0 && now - at < STUDY_LOOK_COALESCE_MS)) this.studyLooks.delete(k);
      // Still full (a burst of distinct looks): the oldest is forgotten, and only means its next look is recorded again.
      if (this.studyLooks.size >= STUDY_LOOKS_KEPT) this.studyLooks.delete(this.studyLooks.keys().next().value!);
    }
    this.studyLooks.delete(key);
    this.studyLooks.set(key, now);
  }

  /** The StudyInstanceUIDs of the items the caller sees whose studies they may see (for DICOMweb searches), the newest items' first. */
  async studiesInView(ctx: RequestContext): Promise<string[]> {
    const actor = this.actorOf(ctx);
    const { rows } = await this.deps.stores.clinical.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM exchange_items
        WHERE cardinality(studies) > 0 AND (to_user = $1 OR from_user = $1 OR prepared_by = $1 OR to_facility = $2 OR from_facility = $2)
        ORDER BY created_at DESC LIMIT 1000`,
      [actor.id, actor.facilityCode],
    );
    return [...new Set(rows.filter((r) => maySeeAttachedStudy(actor, parties(r))).flatMap((r) => r.studies))];
  }

  /** A study both who attaches it and its sender see: stored by their facility, or carried by an item they see. */
  private async mayAttachStudy(actor: ExchangeActor, sender: { id: string; role: Role; facilityCode: string | null }, studyUid: string): Promise<boolean> {
    const check = this.studies.maySee;
    if (!check) return true;
    const people: ExchangeActor[] = actor.id === sender.id ? [actor] : [actor, { id: sender.id, role: sender.role, facilityCode: sender.facilityCode }];
    let carried: ItemRow[] | undefined;
    for (const person of people) {
      if (await check.call(this.studies, person, studyUid)) continue;
      carried ??= (await this.deps.stores.clinical.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM exchange_items WHERE studies @> ARRAY[$1::text] LIMIT 100`, [studyUid])).rows;
      if (!carried.some((r) => maySeeAttachedStudy(person, parties(r)))) return false;
    }
    return true;
  }

  // --- the lifecycle ---

  private async sendInTransaction(tx: Db, ctx: RequestContext, id: string, consent: ExchangeConsent | undefined): Promise<void> {
    const actor = this.actorOf(ctx);
    const row = (await this.readItem(tx, id, true))!;
    const stored = (await readExchangePatients(this.deps.stores.identity, this.deps.keys, [id])).get(id);
    if (!stored) throw exchangeNotFound();
    if (!consent && !stored.consent) throw consentRequired();
    const sentAt = this.now();
    const deleteOn = this.deleteOn(sentAt);
    // The identity row's date first: should the rest fail, it is later than the item's, never earlier.
    await markExchangePatientSent(this.deps.stores.identity, id, consent, deleteOn);
    const names = await this.partyNames(row);
    const letterParties: LetterParties = { from: names.from, to: names.to, networkName: this.deps.networkName };
    const pdf = await this.rendered(await this.letterOf(tx, { ...row, sent_at: sentAt }, sentAt, letterParties, consent), renderExchangeLetterPdf);
    await tx.query("UPDATE exchange_items SET status = 'sent', sent_at = $2, delete_on = $3, letter_sha256 = $4, letter_parties = $5 WHERE id = $1", [
      id,
      sentAt,
      deleteOn,
      sha256Hex(pdf),
      JSON.stringify(letterParties),
    ]);
    await this.step(tx, id, 'sent', actor, { consent: true, urgency: row.urgency });
    await queueNotices(tx, row.to_user ? [row.to_user] : await this.liaisonsOf(row.to_facility), 'request', row.kind, this.now());
  }

  /**
   * A change to one item: locked, seen and allowed for `action`, in one of
   * `statuses`; `work` then changes it in the transaction that records it.
   * Refusals are audited; an item the caller may not see answers as unknown.
   */
  private async change(
    ctx: RequestContext,
    id: string,
    auditAction: string,
    action: ExchangeAction,
    statuses: readonly ExchangeStatus[],
    work: (tx: Db, row: ItemRow, actor: ExchangeActor) => Promise<void>,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    const actor = this.actorOf(ctx);
    await this.refusalsAudited(ctx, auditAction, { item: id, ...detail }, () =>
      this.deps.audit.changeClinical(
        ctx.actor,
        async (tx) => {
          const row = isUuid(id) ? await this.readItem(tx, id, true) : undefined;
          if (!row || !mayViewExchange(actor, parties(row))) throw exchangeNotFound();
          if (!mayActOnExchange(actor, parties(row), action)) {
            throw new Refusal('forbidden', 'exchange-read-only', `${auditAction} is not yours to do on this item`, 'この連携ではこの操作はできません（閲覧のみ）');
          }
          if (!statuses.includes(row.status)) throw wrongStatus(row.status);
          await work(tx, row, actor);
        },
        { action: auditAction, outcome: 'allowed', detail: { item: id, ...detail } },
      ),
    );
  }

  /** Runs `work`; a refusal it throws is recorded on the trail before it goes on. */
  private async refusalsAudited<T>(ctx: RequestContext, action: string, detail: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Refusal) await this.audit(ctx, { action, outcome: 'refused', detail: { ...detail, reason: error.code } });
      throw error;
    }
  }

  private visibleItem(ctx: RequestContext, id: string, action: string): Promise<ItemRow> {
    return this.visibleRow(ctx, id, action, (db, itemId) => this.readItem(db, itemId));
  }

  /** The item `read` finds, if the caller may see it; an unknown id and a forbidden one are refused alike, on the record. */
  private async visibleRow<Row extends ItemRow>(ctx: RequestContext, id: string, action: string, read: (db: Db, id: string) => Promise<Row | undefined>): Promise<Row> {
    const actor = this.actorOf(ctx);
    const row = isUuid(id) ? await read(this.deps.stores.clinical, id) : undefined;
    if (!row || !mayViewExchange(actor, parties(row))) {
      await this.audit(ctx, { action, outcome: 'refused', detail: { item: id, reason: 'exchange-not-found' } });
      throw exchangeNotFound();
    }
    return row;
  }

  private async checkedDocument(ctx: RequestContext, action: string, id: string, pdf: Buffer, kept: string): Promise<{ pdf: Buffer; sha256: string }> {
    const sha256 = sha256Hex(pdf);
    if (sha256 !== kept) {
      await this.audit(ctx, { action, outcome: 'failed', detail: { item: id, reason: 'document-altered', kept, rendered: sha256 } });
      throw new Refusal('unavailable', 'document-altered', `the stored record of ${id} no longer renders the document signed`, '保存された記録が署名時と一致しないため、PDF を出力できません。事務局に連絡してください');
    }
    await this.audit(ctx, { action, outcome: 'allowed', detail: { item: id, sha256 } });
    return { pdf, sha256 };
  }

  // --- reading ---

  /**
   * An item with its steps, attachments and texts, in one round trip: an open is the
   * commonest read after a box, and each query costs the server a write to the database.
   */
  private async readDetail(db: Db, id: string): Promise<DetailRow | undefined> {
    const { rows } = await db.query<DetailRow>(
      `SELECT ${ITEM_COLUMNS},
              (SELECT coalesce(json_agg(json_build_object('step', step, 'actor', actor, 'actor_facility', actor_facility, 'at', ${utcIsoText('at', 'MS')}, 'detail', detail) ORDER BY id), '[]')
                 FROM exchange_events e WHERE e.item_id = i.id) AS detail_steps,
              (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name, 'media_type', media_type, 'size_bytes', size_bytes, 'sha256', sha256) ORDER BY added_at, id), '[]')
                 FROM exchange_attachments a WHERE a.item_id = i.id) AS detail_attachments,
              (SELECT coalesce(json_agg(json_build_object('kind', kind, 'author', author, 'author_facility', author_facility, 'author_name', author_name, 'findings', findings,
                                                          'impression', impression, 'reason', reason, 'signed_at', ${utcIsoText('signed_at', 'MS')}, 'pdf_sha256', pdf_sha256) ORDER BY id), '[]')
                 FROM exchange_texts t WHERE t.item_id = i.id) AS detail_texts
         FROM exchange_items i WHERE i.id = $1`,
      [id],
    );
    return rows[0];
  }

  private async readItem(db: Db, id: string, forUpdate = false): Promise<ItemRow | undefined> {
    const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM exchange_items WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0];
  }

  private async texts(db: Db, itemId: string): Promise<TextRow[]> {
    const { rows } = await db.query<TextRow>(
      'SELECT id, kind, author, author_facility, author_name, author_facility_name, findings, impression, reason, signed_at, pdf_sha256, lists_key_images, draws_key_images FROM exchange_texts WHERE item_id = $1 ORDER BY id',
      [itemId],
    );
    return rows;
  }

  /** The key images standing now, or (`window`) those a signed text lists. */
  private async keyImageRows(db: Db, itemId: string, window?: KeyImageWindow): Promise<KeyImageRow[]> {
    const params: unknown[] = [itemId];
    const where = ['item_id = $1'];
    if (!window) {
      where.push('removed_at IS NULL');
    } else {
      params.push(window.at);
      where.push(`marked_at <= $${params.length}`, `(removed_at IS NULL OR removed_at > $${params.length})`);
      if (window.after) where.push(`marked_at > $${params.push(window.after)}`);
      if (window.by) where.push(`marked_by = $${params.push(window.by)}`);
    }
    // A signed text's key images come with their pictures; the list of marks needs none.
    const columns = window ? `${KEY_IMAGE_COLUMNS}, picture_sealed` : KEY_IMAGE_COLUMNS;
    const { rows } = await db.query<KeyImageRow>(`SELECT ${columns} FROM exchange_key_images WHERE ${where.join(' AND ')} ORDER BY marked_at, id`, params);
    return rows;
  }

  private async listItems(rows: ListRow[]): Promise<ExchangeListItem[]> {
    const { users, facilities } = await this.displayNames.of(
      rows.flatMap((r) => [r.from_user, r.to_user]).filter((u): u is string => u !== null),
      rows.flatMap((r) => [r.from_facility, r.to_facility]),
    );
    const dueBy = addDays(this.today(), DELETION_DUE_DAYS);
    return rows.map((r) => {
      const party = (facility: string, user: string | null): ExchangeParty => ({
        facility: facility.trim(),
        facilityName: facilities.get(facility.trim()) ?? facility.trim(),
        userId: user,
        userName: user ? (users.get(user) ?? null) : null,
      });
      return {
        id: r.id,
        kind: r.kind,
        status: r.status,
        from: party(r.from_facility, r.from_user),
        to: party(r.to_facility, r.to_user),
        subject: r.subject,
        urgency: r.urgency,
        replyBy: r.reply_by_iso,
        createdAt: r.created_at_iso,
        sentAt: r.sent_at_iso,
        unread: r.status === 'sent',
        deleteOn: r.delete_on,
        deletionDue: r.delete_on <= dueBy, // both YYYY-MM-DD
      };
    });
  }

  private async detailOf(row: DetailRow): Promise<ExchangeDetail> {
    const [[item], patients] = await Promise.all([this.listItems([listRowOf(row)]), readExchangePatients(this.deps.stores.identity, this.deps.keys, [row.id])]);
    const steps = row.detail_steps;
    const attachments = row.detail_attachments;
    const texts = row.detail_texts;
    const stored = patients.get(row.id);
    if (!stored) throw exchangeNotFound();
    return {
      ...item!,
      patient: stored.patient,
      consent: stored.consent,
      department: row.department,
      body: row.body,
      studies: row.studies,
      attachments: attachments.map((a) => ({ id: a.id, name: a.name, mediaType: a.media_type, sizeBytes: a.size_bytes, sha256: a.sha256 })),
      inReplyTo: row.in_reply_to,
      preparedBy: row.prepared_by,
      steps: steps.map((s) => ({ step: s.step, actor: s.actor, actorFacility: s.actor_facility?.trim() ?? null, at: s.at, detail: s.detail })),
      texts: texts.map((t) => ({
        kind: t.kind,
        author: t.author,
        authorName: t.author_name,
        authorFacility: t.author_facility.trim(),
        findings: t.findings,
        impression: t.impression,
        reason: t.reason,
        signedAt: t.signed_at,
        pdfSha256: t.pdf_sha256,
      })),
      letterSha256: row.letter_sha256,
    };
  }

  private async letterOf(db: Db, row: ItemRow, sentAt: Date, names: LetterParties, consentGiven?: ExchangeConsent): Promise<ExchangeLetter> {
    const stored = (await readExchangePatients(this.deps.stores.identity, this.deps.keys, [row.id])).get(row.id);
    if (!stored) throw exchangeNotFound();
    const attachments = (await db.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM exchange_attachments WHERE item_id = $1 ORDER BY added_at, id', [row.id])).rows;
    return {
      id: row.id,
      kind: row.kind,
      from: { facilityCode: row.from_facility.trim(), ...names.from },
      to: { facilityCode: row.to_facility.trim(), ...names.to },
      patient: stored.patient,
      consent: consentGiven ?? stored.consent,
      department: row.department,
      subject: row.subject,
      body: row.body,
      urgency: row.urgency,
      replyBy: row.reply_by,
      studies: row.studies,
      attachments: attachments.map((a) => `${a.name}（SHA-256 ${a.sha256.slice(0, 16)}…）`),
      sentAt,
      networkName: names.networkName,
    };
  }

  private async renderReport(db: Db, row: ItemRow, text: Omit<TextRow, 'kind'> & { kind: TextRow['kind'] }): Promise<Buffer> {
    if (text.kind === 'addendum') throw new Error('an addendum is not a report');
    const names = row.letter_parties!;
    return this.rendered({
      letter: await this.letterOf(db, row, row.sent_at!, names),
      kind: text.kind,
      author: { facilityCode: text.author_facility.trim(), facilityName: text.author_facility_name, userName: text.author_name },
      findings: text.findings,
      impression: text.impression,
      reason: text.reason,
      signedAt: text.signed_at,
      keyImages: (await this.keyImageRows(db, row.id, { at: text.signed_at, after: null, by: null })).map((k) => reportKeyImage(k, this.openPicture, text.draws_key_images)),
    }, renderExchangeReportPdf);
  }

  /** The last of `texts` is an addendum: its document, with the report signed before it and the addenda up to it. */
  private async renderAddendum(db: Db, row: ItemRow, texts: TextRow[]): Promise<Buffer> {
    const report = latestReport(texts);
    const party = (t: TextRow) => ({ facilityCode: t.author_facility.trim(), facilityName: t.author_facility_name, userName: t.author_name });
    const addenda: ExchangeAddendum[] = [];
    // One after another: `db` may be the signing transaction's one connection.
    for (const t of texts.filter((x) => x.kind === 'addendum')) {
      const window = keyImageWindow(texts, t);
      const keyImages = window ? (await this.keyImageRows(db, row.id, window)).map((k) => reportKeyImage(k, this.openPicture, t.draws_key_images)) : [];
      addenda.push({ number: addenda.length + 1, author: party(t), text: t.findings, signedAt: t.signed_at, keyImages });
    }
    return this.rendered({
      letter: await this.letterOf(db, row, row.sent_at!, row.letter_parties!),
      report: report ? { kind: report.kind as 'interim' | 'final' | 'declined', author: party(report), findings: report.findings, impression: report.impression, reason: report.reason, signedAt: report.signed_at } : null,
      addenda,
    }, renderExchangeAddendumPdf);
  }

  /**
   * A document rendered from `input`, the whole of what it shows. Rendering
   * is deterministic, so the same input gives the same bytes: those are kept
   * (a few hundred, by the input's digest) and handed out again, while any
   * change to the stored record changes the input and renders afresh, which
   * the SHA-256 kept at signing then catches.
   */
  private async rendered<T>(input: T, render: (input: T) => Promise<Buffer>): Promise<Buffer> {
    // A picture counts by its hash: replaced in its holder, before JSON would make an array of its bytes (Buffer.toJSON).
    const key = sha256Hex(Buffer.from(JSON.stringify(input, (_name, value: unknown) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return value;
      const pictures = Object.entries(value).filter(([, v]) => Buffer.isBuffer(v));
      return pictures.length === 0 ? value : { ...value, ...Object.fromEntries(pictures.map(([k, v]) => [k, sha256Hex(v as Buffer)])) };
    })));
    const kept = this.documents.get(key);
    if (kept) {
      this.documents.delete(key);
      this.documents.set(key, kept);
      return kept;
    }
    const pdf = await render(input);
    this.documents.set(key, pdf);
    this.documentBytes += pdf.length;
    while (this.documents.size > RENDERED_DOCUMENTS || this.documentBytes > RENDERED_DOCUMENT_BYTES) {
      const [oldest, bytes] = this.documents.entries().next().value!;
      this.documents.delete(oldest);
      this.documentBytes -= bytes.length;
    }
    return pdf;
  }

  // --- people and places (identity store) ---

  private actorOf(ctx: RequestContext): ExchangeActor {
    const user = ctx.session?.user;
    if (!user) throw exchangeNotFound();
    return { id: user.id, role: user.role, facilityCode: user.facilityCode };
  }

  private async user(id: string): Promise<{ id: string; role: Role; facilityCode: string | null; displayName: string } | undefined> {
    const { rows } = await this.deps.stores.identity.query<{ id: string; role: Role; facility_code: string | null; display_name: string }>(
      'SELECT id, role, facility_code, display_name FROM users WHERE id = $1 AND active',
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, role: r.role, facilityCode: r.facility_code?.trim() ?? null, displayName: r.display_name } : undefined;
  }

  /** The receiving side: another active participant, and a clinician of it who answers, if named. */
  private async addressee(senderFacility: string, to: { facility: string; userId?: string | undefined }): Promise<{ facility: string; userId: string | null }> {
    const unknown = () => new Refusal('invalid', 'addressee-unknown', 'address an active participating facility other than yours, or a clinician there', '宛先には参加中の他の医療機関（またはその医師・歯科医師）を指定してください');
    if (to.facility === senderFacility.trim()) throw unknown();
    const { rows } = await this.deps.stores.identity.query<{ status: string }>('SELECT status FROM facilities WHERE code = $1', [to.facility]);
    if (rows[0]?.status !== 'active') throw unknown();
    if (to.userId === undefined) return { facility: to.facility, userId: null };
    const user = await this.user(to.userId);
    if (!user || user.facilityCode !== to.facility || !receivesExchanges(user.role)) throw unknown();
    return { facility: to.facility, userId: user.id };
  }

  private async liaisonsOf(facility: string): Promise<string[]> {
    const { rows } = await this.deps.stores.identity.query<{ id: string }>("SELECT id FROM users WHERE facility_code = $1 AND role = 'liaison' AND active", [facility]);
    return rows.map((r) => r.id);
  }

  private async userNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.deps.stores.identity.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY($1::text[])', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private async facilityNames(codes: string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const { rows } = await this.deps.stores.identity.query<{ code: string; name: string }>('SELECT code, name FROM facilities WHERE code = ANY($1::text[])', [[...new Set(codes.map((c) => c.trim()))]]);
    return new Map(rows.map((r) => [r.code.trim(), r.name]));
  }

  private async partyNames(row: ItemRow): Promise<{ from: LetterParties['from']; to: LetterParties['to'] }> {
    const users = await this.userNames([row.from_user, ...(row.to_user ? [row.to_user] : [])]);
    const facilities = await this.facilityNames([row.from_facility, row.to_facility]);
    return {
      from: { facilityName: facilities.get(row.from_facility.trim()) ?? row.from_facility.trim(), userName: users.get(row.from_user) ?? row.from_user },
      to: { facilityName: facilities.get(row.to_facility.trim()) ?? row.to_facility.trim(), userName: row.to_user ? (users.get(row.to_user) ?? row.to_user) : null },
    };
  }

  private async step(tx: Db, itemId: string, step: string, actor: ExchangeActor, detail: Record<string, unknown>): Promise<void> {
    await tx.query('INSERT INTO exchange_events (item_id, step, actor, actor_facility, at, detail) VALUES ($1, $2, $3, $4, $5, $6)', [itemId, step, actor.id, actor.facilityCode, this.now(), JSON.stringify(detail)]);
  }

  private audit(ctx: RequestContext, event: AuditEvent): Promise<void> {
    return this.deps.audit.record(ctx.actor, event);
  }

  /** Today in Japan. */
  private today(): string {
    return jstDate(this.now());
  }

  private deleteOn(from: Date): string {
    return addDays(jstDate(from), this.deps.retentionDays);
  }
}

export const jstDate = (at: Date) => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

/** The report an item's texts end with: the final report or decline, else the latest interim report. */
/**
 * The key images `text` (one of `texts`, in the order signed) lists, or null
 * for none. A report lists those standing when it was signed. An addendum
 * lists what it adds: the key images its author marked after the report
 * before it (and after their own addendum before it), still standing when
 * it was signed. That is what a referring doctor reads as new in it; the
 * report's own stay in the report's PDF, and all current marks would repeat
 * them. A sender's addendum lists none (the reader marks), nor does one
 * before any report (its marks are the coming report's) or one signed before
 * addenda listed key images (it renders as signed).
 */
function keyImageWindow(texts: readonly TextRow[], text: TextRow): KeyImageWindow | null {
  if (text.kind !== 'addendum') return { at: text.signed_at, after: null, by: null };
  const before = texts.slice(0, texts.indexOf(text));
  if (!text.lists_key_images || !before.some((t) => t.kind !== 'addendum')) return null;
  const since = before.filter((t) => t.kind !== 'addendum' || t.author === text.author).at(-1)!;
  return { at: text.signed_at, after: since.signed_at, by: text.author };
}

function latestReport(texts: readonly TextRow[]): TextRow | undefined {
  const newestFirst = [...texts].reverse();
  return newestFirst.find((t) => t.kind === 'final' || t.kind === 'declined') ?? newestFirst.find((t) => t.kind === 'interim');
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Where a page of a box ended: the ordering time (ISO, to the microsecond) and the item's id. */
interface BoxCursor {
  at: string;
  id: string;
}

const badBoxCursor = new Refusal('invalid', 'bad-cursor', 'the box cursor is malformed', '一覧の続きを読み込めませんでした。最初から表示し直してください');

const encodeBoxCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');

/** The cursor a page handed out, or null for anything else. */
function decodeBoxCursor(cursor: string): BoxCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isUuid(match[2]!) || Number.isNaN(Date.parse(match[1]!))) return null;
  return { at: match[1]!, id: match[2]! };
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** JPEG starts FF D8 FF, PNG with its eight-byte signature. */
function looksLike(mediaType: 'image/jpeg' | 'image/png', content: Buffer): boolean {
  if (mediaType === 'image/jpeg') return content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff;
  return content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/**
 * A box's newest `limit` items (older than `after`, when given) as one query
 * over exchange_items, each part along the index that serves it (migrations
 * 050 and 094): received items by sending time, one's own and both directions
 * by creation, ties by id. A box of both directions is the two parts, each
 * cut to `limit` along its own index, then merged: an OR across two indexes
 * would read every item of the user or facility and sort them all. Drafts are
 * their sender's and preparer's only, which mayViewExchange holds again per
 * row. `box_key` is the ordering time as text to the microsecond, which a
 * JavaScript Date would round to the millisecond.
 */
function boxQuery(scope: ExchangeBoxScope, limit: number, after?: BoxCursor): { sql: string; params: unknown[] } | undefined {
  const sent = "status <> 'draft'";
  const cursorParams = after ? [after.at, after.id] : [];
  const key = (order: string) => `${utcIsoText(order, 'US')} AS box_key`;
  // `order <= $3` bounds the index scan; the rest breaks ties by id.
  const older = (order: string) => (after ? ` AND ${order} <= $3::timestamptz AND (${order} < $3::timestamptz OR id < $4::uuid)` : '');
  const part = (where: string, order: 'sent_at' | 'created_at') =>
    `SELECT ${LIST_COLUMNS}, ${key(order)} FROM exchange_items WHERE ${where}${older(order)} ORDER BY ${order} DESC, id DESC LIMIT $2`;
  const one = (where: string, order: 'sent_at' | 'created_at', value: string) => ({ sql: part(where, order), params: [value, limit, ...cursorParams] });
  const both = (outgoing: string, incoming: string, value: string) => ({
    sql: `SELECT * FROM ((${part(outgoing, 'created_at')}) UNION ALL (${part(`${incoming} AND ${sent}`, 'created_at')})) box ORDER BY box_key DESC, id DESC LIMIT $2`,
    params: [value, limit, ...cursorParams],
  });
  switch (scope.by) {
    case 'nothing':
      return undefined;
    case 'user':
      if (scope.direction === 'in') return one(`to_user = $1 AND ${sent}`, 'sent_at', scope.user);
      if (scope.direction === 'out') return one('from_user = $1', 'created_at', scope.user);
      return both('from_user = $1', 'to_user = $1', scope.user);
    case 'preparer':
      return one('prepared_by = $1', 'created_at', scope.user);
    case 'liaison':
      return one(`to_facility = $1 AND to_liaison AND ${sent}`, 'sent_at', scope.facility);
    case 'facility':
      if (scope.direction === 'in') return one(`to_facility = $1 AND ${sent}`, 'sent_at', scope.facility);
      if (scope.direction === 'out') return one('from_facility = $1', 'created_at', scope.facility);
      return both('from_facility = $1', 'to_facility = $1', scope.facility);
  }
}
