/**
 * Consultations between facilities (exchange): reading requests (読影依頼),
 * referrals (患者紹介), progress reports (経過報告) and sharing (連携), as the
 * server checks them and the web app's forms fill them in.
 */
import { z } from 'zod';
import { isoDate, isoMonth } from './participants.js';
import { PLAIN_TEXT, plainText } from './plain-text.js';

export const EXCHANGE_KINDS = ['reading', 'referral', 'progress', 'share'] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];
export const EXCHANGE_STATUSES = ['draft', 'sent', 'received', 'accepted', 'interim', 'final', 'declined', 'withdrawn'] as const;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];
export const EXCHANGE_BOXES = ['inbox', 'outbox', 'facility'] as const;

/** The names printed on documents and in notices (the screens take theirs from the locales). */
export const EXCHANGE_KIND_LABELS: Record<ExchangeKind, string> = { reading: '読影依頼', referral: '患者紹介', progress: '経過報告', share: '医療情報の連携' };
export const EXCHANGE_STATUS_LABELS: Record<ExchangeStatus, string> = {
  draft: '下書き',
  sent: '送信済',
  received: '受信済',
  accepted: '受付済',
  interim: '中間報告',
  final: '報告済',
  declined: '読影しない',
  withdrawn: '取り下げ',
};

/** Free text a clinician writes: several lines allowed, no other control characters or direction overrides. */
const clinicalText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((t) => PLAIN_TEXT.test(t.replace(/\r?\n|\t/g, ' ')), { message: '制御文字や表示方向を変える文字は使えません' });

const facilityCode = z.string().trim().regex(/^\d{10}$/, { message: '医療機関コードは10桁の数字です' });
const userId = z.string().trim().min(1).max(64);
/** A DICOM UID: digits and dots, at most 64 characters (PS3.5 9.1). */
export const dicomUid = z.string().regex(/^[0-9]+(\.[0-9]+)*$/).max(64);

export const exchangePatient = z.object({
  name: plainText(1, 100),
  kana: plainText(1, 100),
  sex: z.enum(['male', 'female', 'other']),
  birthDate: isoDate,
  /** The sender's own patient ID (カルテ番号). */
  patientId: plainText(1, 40),
});
export type ExchangePatient = z.infer<typeof exchangePatient>;

/** The patient's (or, for a minor, a guardian's) consent to the sending. */
export const exchangeConsent = z.object({
  obtainedOn: isoDate,
  by: z.enum(['patient', 'guardian']),
  /** Who obtained it (the staff member's name). */
  obtainedBy: plainText(1, 100),
  form: z.enum(['written', 'oral', 'electronic']),
});
export type ExchangeConsent = z.infer<typeof exchangeConsent>;

export const exchangeAttachment = z.object({
  name: plainText(1, 200),
  mediaType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
  /** The file, base64. */
  content: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).min(4),
});

export const createExchangeRequest = z
  .object({
    kind: z.enum(EXCHANGE_KINDS),
    to: z.object({ facility: facilityCode, userId: userId.optional() }),
    patient: exchangePatient,
    /** Required to send; a draft may wait for it. */
    consent: exchangeConsent.optional(),
    subject: plainText(1, 200),
    body: clinicalText(20_000),
    department: plainText(0, 60).default(''),
    urgency: z.enum(['normal', 'urgent']).default('normal'),
    /** 至急: when the answer is needed (ISO 8601). */
    replyBy: z.string().datetime({ offset: true }).optional(),
    studies: z.array(dicomUid).max(100).default([]),
    attachments: z.array(exchangeAttachment).max(20).default([]),
    /** A progress report or a reply answering an earlier item. */
    inReplyTo: z.string().uuid().optional(),
    /** Keep as a draft (a technologist's always is), sent later by the clinician. */
    draft: z.boolean().default(false),
    /** A technologist prepares the item for this clinician of their facility. */
    for: userId.optional(),
  })
  .refine((r) => r.urgency === 'normal' || r.replyBy !== undefined, { message: '至急の依頼には回答期限（replyBy）が必要です', path: ['replyBy'] });
export type CreateExchangeRequest = z.input<typeof createExchangeRequest>;

export const sendExchangeRequest = z.object({ consent: exchangeConsent.optional() });
export const assignExchangeRequest = z.object({ userId });
export const exchangeReportRequest = z.union([
  z.object({ findings: clinicalText(20_000).refine((t) => t.trim().length > 0, { message: '所見を入力してください' }), impression: clinicalText(10_000), interim: z.boolean().default(false) }).strict(),
  // An empty reason is the service's refusal (decline-reason-required), worded for the reader.
  z.object({ decline: z.literal(true), reason: plainText(0, 500) }).strict(),
]);
export type ExchangeReportRequest = z.input<typeof exchangeReportRequest>;
export const exchangeWithdrawRequest = z.object({ reason: plainText(0, 500).default('') });
export const exchangeAddendumRequest = z.object({ text: clinicalText(10_000).refine((t) => t.trim().length > 0, { message: '追記する内容を入力してください' }) });
/** A key image (キー画像) the reader marks: an instance of a study attached to the item, and its frame. */
export const exchangeKeyImageRequest = z
  .object({
    studyInstanceUid: dicomUid,
    seriesInstanceUid: dicomUid,
    sopInstanceUid: dicomUid,
    frame: z.number().int().min(1).max(100_000).default(1),
    note: plainText(0, 200).default(''),
  })
  .strict();
export type ExchangeKeyImageRequest = z.input<typeof exchangeKeyImageRequest>;
/** A box, a page at a time: `after` is the `next` of the page before (opaque to the caller). */
export const exchangeBoxQuery = z.object({
  box: z.enum(EXCHANGE_BOXES),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().max(200).optional(),
});
export const exchangeStatsQuery = z.object({ month: isoMonth, format: z.enum(['json', 'csv', 'pdf']).default('json') });

/** A month of the facility's ID usage (the current month in Japan if none is given). */
export const exchangeUsageQuery = z.object({ month: isoMonth.optional() });

/** A deletion request (様式2): the patient found by the facility's patient ID, or by name (kanji or kana) and birth date. */
export const exchangeDeletionLookup = z.union([
  z.object({ facility: facilityCode, patientId: plainText(1, 40) }).strict(),
  z.object({ facility: facilityCode, name: plainText(1, 100), birthDate: isoDate }).strict(),
]);
export const exchangeDeletionRequest = z.object({ lookup: exchangeDeletionLookup, receivedOn: isoDate, reference: plainText(0, 100).default('') });

export interface ExchangeParty {
  facility: string;
  facilityName: string;
  /** null: the facility's 地域連携室 (not yet assigned). */
  userId: string | null;
  userName: string | null;
}

export interface ExchangeListItem {
  id: string;
  kind: ExchangeKind;
  status: ExchangeStatus;
  from: ExchangeParty;
  to: ExchangeParty;
  subject: string;
  urgency: 'normal' | 'urgent';
  replyBy: string | null;
  createdAt: string;
  sentAt: string | null;
  /** Not yet opened by whoever receives it. */
  unread: boolean;
  /** The day retention deletes it. */
  deleteOn: string;
  /** Deleted within 30 days. */
  deletionDue: boolean;
}

/** A page of a box, newest first; `next` continues it when more remain. */
export interface ExchangeBoxPage {
  items: ExchangeListItem[];
  next?: string;
}

export interface ExchangeStep {
  step: string;
  actor: string;
  actorFacility: string | null;
  at: string;
  detail: Record<string, unknown>;
}

export interface ExchangeText {
  kind: 'interim' | 'final' | 'declined' | 'addendum';
  author: string;
  authorName: string | null;
  authorFacility: string;
  findings: string;
  impression: string;
  reason: string;
  signedAt: string;
  pdfSha256: string | null;
}

export interface ExchangeDetail extends ExchangeListItem {
  patient: ExchangePatient;
  consent: ExchangeConsent | null;
  department: string;
  body: string;
  studies: string[];
  attachments: Array<{ id: string; name: string; mediaType: string; sizeBytes: number; sha256: string }>;
  inReplyTo: string | null;
  preparedBy: string | null;
  steps: ExchangeStep[];
  texts: ExchangeText[];
  letterSha256: string | null;
}

/** A key image as the item lists it. */
export interface ExchangeKeyImage {
  id: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frame: number;
  note: string;
  markedAt: string;
}

export interface ExchangeStatsRow {
  facility: string;
  facilityName: string;
  /** null: the facility's total. */
  reader: string | null;
  readerName: string | null;
  received: number;
  answered: number;
  declined: number;
  reportsReturned: number;
  medianTurnaroundHours: number | null;
}

export interface ExchangeStats {
  month: string;
  rows: ExchangeStatsRow[];
}

/**
 * How one of the facility's IDs used the exchange in a month: counts and
 * times only, nothing of any item or patient.
 */
export interface ExchangeIdUsageRow {
  userId: string;
  displayName: string;
  role: string;
  active: boolean;
  /** Items this ID sent (sending time in the month). */
  sent: number;
  /** Drafts this ID prepared for a clinician (a technologist's). */
  prepared: number;
  /** Items addressed or assigned to this ID (sending time in the month). */
  received: number;
  /** Different items this ID opened in the month. */
  read: number;
  /** Reports, interim reports, declines and addenda this ID signed in the month. */
  signed: number;
  /** Items this ID (the liaison) assigned in the month. */
  assigned: number;
  /** The ID's last exchange action in the month, if any. */
  lastExchangeAt: string | null;
  /** The ID's last login (any month). */
  lastLoginAt: string | null;
}

export interface ExchangeIdUsage {
  facility: string;
  facilityName: string;
  month: string;
  rows: ExchangeIdUsageRow[];
}

export interface RetentionResult {
  deletedItems: number;
  deletedInstances: number;
  deletedBytes: number;
}
