/**
 * The API between the server and the web app. Requests are zod schemas, checked
 * by the server and used by the web app's forms; responses are plain types.
 * Pure: no Node, no DOM, so both sides import it.
 */
import { z } from 'zod';
import { plainText } from './plain-text.js';

export { PLAIN_TEXT, plainText } from './plain-text.js';
export { formatBirthDate, formatTokyoDate, formatTokyoDateTime, formatTokyoTime, japaneseEraYear } from './dates.js';

export const loginRequest = z.object({
  userId: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequest>;

/** A Renkei card number as printed and shown: 4-4-4-4. */
export const formatCardNumber = (cardNumber: string) => cardNumber.replace(/(\d{4})(?=\d)/g, '$1 ');

/** What the card helper hands back: the My Number card's user-authentication certificate and its signature over the challenge, base64. */
export const myNumberSignature = z.object({
  challenge: z.string().min(1).max(200),
  certificate: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(8192),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(2048),
});
export type MyNumberSignature = z.infer<typeof myNumberSignature>;

/** The patient's key: the text a QR code or a USB 2D reader gave, as read; or a My Number card's signature. */
export const patientAccessRequest = z.union([z.object({ card: z.string().min(1).max(200) }).strict(), z.object({ myNumber: myNumberSignature }).strict()]);
export type PatientAccessRequest = z.infer<typeof patientAccessRequest>;

/** A challenge for a My Number card: to open a patient (clinician); at the desk, to bind the card or to identify the patient (consent, access log). */
export const myNumberChallengeRequest = z.object({ purpose: z.enum(['bind', 'present', 'identify']) });
export interface MyNumberChallenge {
  challenge: string;
  expiresAt: string;
  /** Where the card helper on this PC listens. */
  helperUrl: string;
}

/** At the desk, after checking the patient's identity: bind their My Number card to the person found. */
export const deskBindMyNumber = z.object({ personId: z.string().uuid(), myNumber: myNumberSignature });
export const deskUnbindMyNumber = z.object({ personId: z.string().uuid() });

/** At a facility desk: the patient's card (identity checked by the staff member) and what to do. */
export const deskConsentRequest = z
  .object({ card: z.string().min(1).max(200).optional(), myNumber: myNumberSignature.optional(), withdrawn: z.boolean() })
  .refine((r) => (r.card === undefined) !== (r.myNumber === undefined), { message: 'give the Renkei card or the My Number card, one of them' });

/** Find a person at the desk: by insurance card and birth date, or by kana name and birth date. */
export const deskPersonSearch = z
  .object({
    insurerNumber: z.string().trim().regex(/^\d{6,8}$/).optional(),
    symbol: z.string().max(40).optional(),
    number: z.string().max(40).optional(),
    branch: z.string().max(4).optional(),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sex: z.enum(['male', 'female']).optional(),
    kana: z.string().trim().max(60).optional(),
  })
  .refine((q) => (q.insurerNumber && q.number) || q.kana, { message: 'give the insurance card (insurer, 記号, 番号) or the kana name' });
export type DeskPersonSearch = z.infer<typeof deskPersonSearch>;

export interface DeskCandidate {
  personId: string;
  name: string | null;
  kana: string | null;
  birthDate: string;
  sex: 'male' | 'female';
  insurers: string[];
  activeCards: number;
  myNumberBound: boolean;
  /** The card that works for this person now (active or suspended), if any. */
  workingCard: { cardNumber: string; status: 'active' | 'suspended' } | null;
}

/** The holder of the card presented at the desk, to confirm with the patient before acting. */
export interface DeskCardHolder {
  name: string | null;
  kana: string | null;
  birthDate: string;
  sex: 'male' | 'female';
}

/** Issue a card to a person; with `replacing`, the old card stops working at once. */
/** The identity document the desk checked before issuing a card: 保険証, マイナ保険証, 資格確認書, or another. */
export const IDENTITY_DOCUMENTS = ['health-insurance-card', 'my-number-insurance-card', 'eligibility-certificate', 'other'] as const;

/**
 * Issue a card to a person found through the identity check: a person holds
 * one working card, so every card before it stops at once (`replacing`, if
 * given, must be one of them).
 */
export const deskIssueCard = z.object({
  personId: z.string().uuid(),
  identityDocument: z.enum(IDENTITY_DOCUMENTS),
  replacing: z.string().regex(/^\d{16}$/).optional(),
});

/** Two persons found at the desk are one patient: the second's enrollments join the first. */
export const deskLinkPersons = z.object({
  personId: z.string().uuid(),
  otherPersonId: z.string().uuid(),
});

export const deskUndoLink = z.object({
  linkId: z.number().int().positive(),
});

/**
 * Suspend, revoke (a lost card) or reactivate a card: with the card itself in
 * hand (its QR text, or the patient's My Number card), or, for a card that is
 * lost, by its number for the person found through the identity check.
 */
export const deskCardStatus = z
  .object({
    status: z.enum(['active', 'suspended', 'revoked']),
    card: z.string().min(1).max(200).optional(),
    myNumber: myNumberSignature.optional(),
    cardNumber: z.string().regex(/^\d{16}$/).optional(),
    personId: z.string().uuid().optional(),
  })
  .refine((r) => [r.card !== undefined, r.myNumber !== undefined, r.cardNumber !== undefined && r.personId !== undefined].filter(Boolean).length === 1, {
    message: 'give the card (QR text), the My Number card, or the card number with the person found',
  });

export const deskCardRequest = z
  .object({ card: z.string().min(1).max(200).optional(), myNumber: myNumberSignature.optional() })
  .refine((r) => (r.card === undefined) !== (r.myNumber === undefined), { message: 'give the Renkei card or the My Number card, one of them' });

export interface AccessLogEntry {
  at: string;
  facilityCode: string | null;
  facilityName: string | null;
  role: string | null;
  /** The terminal's certificate serial, and the name it was registered under (what people read). */
  terminal: string | null;
  terminalName: string | null;
  /** A person at a terminal, or an automated process (an operator's command, an export). */
  actorKind: 'person' | 'process';
  action: string;
}

export interface AccessLog {
  entries: AccessLogEntry[];
}

/** What each kind of look at a patient's records is called, in Japanese: on the desk's screen and on the printed access log. */
export const ACCESS_LOG_ACTIONS_JA: Readonly<Record<string, string>> = {
  'card.present': 'カード提示',
  'patient.summary': 'サマリー閲覧',
  'patient.summary.pdf': 'サマリーPDF',
  'patient.history': '履歴閲覧',
  'patient.detail': '患者詳細',
  'patient.search.disease-groups': '疾病グループ検索',
  'patient.search.complaint': '主訴検索',
  'history.view': '運用者による照会',
  'card.issue': 'カード発行',
  'card.reissue': 'カード再発行',
};

/** The i18n key of an access log's action (keys hold neither dots nor hyphens). */
export const accessLogActionKey = (action: string) => action.replace(/[.-]/g, '_');

/** The message for a period whose start comes after its end, on the screen and from the API alike. */
export const INVERTED_PERIOD_MESSAGE = '期間の開始が終了より後になっています。開始と終了を入れ替えてください';

export const historyQuery = z.object({
  from: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  facility: z.string().regex(/^\d{10}$/).optional(),
});

/** Whether a period runs backwards (its start after its end): refused, with INVERTED_PERIOD_MESSAGE. */
export const isInvertedPeriod = (q: { from?: string | undefined; to?: string | undefined }) => Boolean(q.from && q.to && q.from > q.to);
export type HistoryQuery = z.infer<typeof historyQuery>;

/**
 * A disease group (疾病グループ): what puts a patient in it. ICD-10 entries are
 * prefixes or ranges of prefixes (`E78`, `C00-C97`, `Z992`); drug classes are
 * YJ code prefixes (`396` 糖尿病用剤); procedures are 区分 (`J038`) or 9-digit codes.
 */
const icd10Pattern = /^[A-Z]\d{2}[0-9A-Z]{0,2}(-[A-Z]\d{2}[0-9A-Z]{0,2})?$/;
export const diseaseGroupDefinition = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,39}$/),
  name: z.string().trim().min(1).max(60),
  icd10: z.array(z.string().regex(icd10Pattern)).max(100).default([]),
  diagnosisCodes: z.array(z.string().regex(/^\d{7}$/)).max(100).default([]),
  drugClasses: z.array(z.string().regex(/^\d{3,7}[A-Z0-9]*$/)).max(100).default([]),
  /** Only these routes count for the drug classes (e.g. systemic steroids: oral, injection). */
  drugRoutes: z.array(z.enum(['oral', 'as-needed', 'topical', 'injection', 'home'])).optional(),
  procedureCodes: z.array(z.string().regex(/^([A-Z]\d{3}|\d{9})$/)).max(100).default([]),
  minAge: z.number().int().min(0).max(130).optional(),
  sex: z.enum(['male', 'female']).optional(),
});
export type DiseaseGroupDefinition = z.infer<typeof diseaseGroupDefinition>;

export const complaintQuery = z.object({
  q: z.string().trim().min(1).max(50),
});

export type Role = 'doctor' | 'dentist' | 'pharmacist' | 'nurse' | 'technologist' | 'clerk' | 'liaison' | 'facility-admin' | 'operator';

export interface Me {
  user: { id: string; displayName: string; role: Role; facilityCode: string | null; facilityName: string | null; mustChangePassword: boolean };
  /** facilityCode null: a terminal of the network's secretariat. */
  terminal: { serial: string; name: string; facilityCode: string | null; demo: boolean };
  canReadHistories: boolean;
  /** Enrollment, cards, consent and the access log, at a facility desk. */
  canServeDesk: boolean;
  /** 端末管理・利用者管理: the operator for the network, a facility administrator for their facility. */
  canAdminister: boolean;
  /** My Number cards are accepted here (JPKI trust is configured): the screens offer them. */
  myNumberCards: boolean;
  /** Answered at login only: wrong passwords typed for this ID (anywhere) since its last login, so that the user notices an attack. */
  failedLoginsSinceLastLogin?: number;
}

export interface PatientAccessOpened {
  accessId: string;
  expiresAt: string;
}

/** The one error shape of the API. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface FacilityRef {
  code: string;
  name: string | null;
}

export type Outcome = 'continuing' | 'cured' | 'died' | 'discontinued';
export type DiagnosisStatus = 'active' | 'lapsed' | 'suspected' | 'ended';

export interface DiagnosisItem {
  code: string;
  name: string;
  /** The master's reading, for search by kana; null where no master names the code. */
  kana: string | null;
  known: boolean;
  icd10: string | null;
  modifiers: string[];
  startDate: string | null;
  outcome: Outcome;
  suspected: boolean;
  main: boolean;
  firstMonth: string;
  lastMonth: string;
  facilities: FacilityRef[];
  /**
   * active (継続): continuing, confirmed and claimed in the person's latest three months; lapsed: continuing
   * but last claimed before them (最終記載 lastMonth); suspected (疑い); ended: cured, died or discontinued. Never mixed.
   */
  status: DiagnosisStatus;
}

export interface MedicationItem {
  code: string;
  name: string;
  /** The master's reading, for search by kana; null where no master names the code. */
  kana: string | null;
  known: boolean;
  yjCode: string | null;
  /** The master's 単位名 (錠, カプセル…): the quantity is in it. */
  unit: string | null;
  dates: string[];
  months: string[];
  route: string | null;
  /** 用法 in words, or 用法コードNNN where the 調剤 receipt gives only the code (see bareUsageCode). */
  usage: string | null;
  /** The latest daily quantity (調剤: 1日量 of the IY line) and days of supply. */
  quantity: number | null;
  days: number | null;
  prescribers: FacilityRef[];
  dispensers: FacilityRef[];
  /** Every dispensing (or in-house supply), oldest first: what duplicate therapy is judged on. */
  dispensings: Dispensing[];
  /** Supplied in the person's latest three months of receipts. */
  current: boolean;
}

export interface Dispensing {
  /** YYYY-MM-DD: the dispensing day (調剤), the day of the prescription (院内), or the month's first day when no day is given. */
  date: string;
  days: number | null;
  quantity: number | null;
  prescriber: FacilityRef;
  dispenser: FacilityRef;
}

/**
 * ★ 重複投薬: two drugs of one therapeutic group (or of one ingredient) supplied
 * for the same days, each still dispensed after the other began (a switch from
 * one to the other is not flagged). What it is based on travels with it.
 */
export interface DuplicateTherapy {
  /** The group, e.g. arb, or same-ingredient. */
  group: string;
  /** e.g. ARB（アンジオテンシンII受容体拮抗薬）. */
  groupName: string;
  /** The 薬効分類 (first 4 digits of the YJ code) the drugs share. */
  therapeuticClass: string;
  drugs: Array<{ code: string; name: string; yjCode: string; first: string; last: string; prescribers: FacilityRef[] }>;
  /** The days both were supplied, YYYY-MM-DD. */
  overlapFrom: string;
  overlapTo: string;
  /** Prescribed by different facilities: neither prescriber may know of the other drug. */
  differentFacilities: boolean;
}

export interface ActItem {
  code: string;
  name: string;
  /** The master's reading, for search by kana; null where no master names the code. */
  kana: string | null;
  known: boolean;
  section: string | null;
  dates: string[];
  months: string[];
  facilities: FacilityRef[];
  materials: Array<{ code: string; name: string; known: boolean }>;
}

export interface GroupEvidence {
  category: 'diagnosis' | 'medication' | 'procedure' | 'test' | 'patient';
  code: string;
  name: string;
  months: string[];
  facilities: FacilityRef[];
}

export interface GroupMatch {
  id: string;
  name: string;
  evidence: GroupEvidence[];
}

/** The months the claims read cover (YYYY-MM) and the latest date a receipt gives (YYYY-MM-DD). */
export interface HistoryPeriod {
  from: string | null;
  to: string | null;
  latestDate: string | null;
}

/**
 * An inpatient stay, as its receipts give it: the admission (医科 RE 入院年月日 or
 * DPC BU), the discharge (DPC BU only, once the patient has left) and the DPC code.
 */
export interface StayItem {
  facility: FacilityRef;
  /** YYYY-MM-DD; null where the receipt does not give it. */
  admittedOn: string | null;
  /** YYYY-MM-DD; null while in hospital, or where the receipts do not say (医科 receipts never do). */
  dischargedOn: string | null;
  /** 診断群分類番号 of the latest DPC receipt of the stay; null for a stay billed 出来高 (医科). */
  dpcCode: string | null;
  /** The receipt months that bill the stay. */
  months: string[];
}

export interface PatientSummary {
  patient: { sex: 'male' | 'female'; age: number; birthYear: number; birthDate: string; name: string | null; kana: string | null };
  period: HistoryPeriod;
  diagnoses: DiagnosisItem[];
  medications: MedicationItem[];
  procedures: ActItem[];
  tests: ActItem[];
  stays: StayItem[];
  /** Conditions that raise COVID-19 severity, found in the claims. */
  riskFlags: GroupMatch[];
  duplicates: DuplicateTherapy[];
}

export interface PatientHistory {
  diagnoses: DiagnosisItem[];
  medications: MedicationItem[];
  procedures: ActItem[];
  tests: ActItem[];
  stays: StayItem[];
  period: HistoryPeriod;
  /** Every facility of the whole history, for the filter. */
  facilities: FacilityRef[];
}

/** Whether a patient access is still open, and until when. */
export interface PatientAccessStatus {
  expiresAt: string;
}

export interface PatientDetail {
  sex: 'male' | 'female';
  age: number;
  birthYear: number;
  birthDate: string;
  name: string | null;
  kana: string | null;
  enrollments: Array<{ insurerNumber: string; firstServiceMonth: string }>;
  /** The Renkei card that opened this access; null when a My Number card did. */
  card: { number: string; status: string; issuedAt: string } | null;
  /** The My Number card that opened this access, as bound at the desk. */
  myNumberCard: { boundAt: string; notAfter: string } | null;
}

export interface DiseaseGroupResult {
  /** Every group checked, matched or not, so the screen can say "not found" as well. */
  checked: Array<{ id: string; name: string }>;
  groups: GroupMatch[];
}

export interface ComplaintResult {
  complaint: string;
  /** The complaint as the table knows it, if it does. */
  known: boolean;
  diagnoses: DiagnosisItem[];
  medications: MedicationItem[];
  tests: ActItem[];
  /** Why each item was found, by `${category}:${code}` (diagnosis, medication, test): the table's rule or the name. */
  reasons: Record<string, string>;
}
export * from './participants.js';

/**
 * The 用法コード of a usage the 調剤 receipt gave as a code only (SH 用法 with no
 * 特別指示), or null when the usage is in words. No official 用法 code table
 * (別表) is at hand, so such a usage is shown as 「用法コード NNN」, marked as a
 * code, never as if it were the directions.
 */
export function bareUsageCode(usage: string | null): string | null {
  return /^用法コード\s*(\d{1,3})$/.exec(usage ?? '')?.[1] ?? null;
}

/** A usage as printed: the words, or 「用法コード NNN（名称表なし）」. */
export function usageText(usage: string | null): string {
  const code = bareUsageCode(usage);
  return code === null ? (usage ?? '') : `用法コード ${code}（名称表なし）`;
}

// Network administration (端末管理・利用者管理) and personal settings (個人設定).

const facilityCode = z.string().regex(/^\d{10}$/);
/** A terminal certificate's password, when the administrator chooses it (else one is generated). */
const p12Password = z.string().min(8).max(128);

export const issueTerminalRequest = z.object({
  /** Null: a PC of the network's secretariat (the operator only). */
  facilityCode: facilityCode.nullable(),
  /** The PC, as staff call it: 「外来1診察室」. */
  name: plainText(1, 80),
  password: p12Password.optional(),
});
export type IssueTerminalRequest = z.infer<typeof issueTerminalRequest>;

export const renewTerminalRequest = z.object({
  password: p12Password.optional(),
});

export const ROLE_NAMES = ['doctor', 'dentist', 'pharmacist', 'nurse', 'technologist', 'clerk', 'liaison', 'facility-admin', 'operator'] as const satisfies readonly Role[];

export const issueUserRequest = z.object({
  /** One ID per person, never shared. */
  id: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/),
  displayName: plainText(1, 80),
  role: z.enum(ROLE_NAMES),
  /** Null for an operator who works for the network rather than a facility. */
  facilityCode: facilityCode.nullable(),
  email: z.string().trim().max(254).email().nullable().optional(),
});
export type IssueUserRequest = z.infer<typeof issueUserRequest>;

/** The licensed roles, whose IDs a facility administrator applies for and the operator issues. */
export const LICENSED_ROLE_NAMES = ['doctor', 'dentist', 'pharmacist', 'nurse'] as const satisfies readonly Role[];

/** 利用者申請: a clinician's ID, applied for by their facility's administrator with the licence (医籍・歯科医籍・薬剤師名簿・看護師籍) number. */
export const userApplicationRequest = z.object({
  id: issueUserRequest.shape.id,
  displayName: plainText(1, 80),
  role: z.enum(LICENSED_ROLE_NAMES),
  facilityCode,
  email: z.string().trim().max(254).email().nullable().optional(),
  licenceNumber: z.string().trim().regex(/^[0-9A-Za-z-]{1,20}$/),
});
export type UserApplicationRequestBody = z.infer<typeof userApplicationRequest>;

export const userApplicationDecision = z.object({ approve: z.boolean(), note: plainText(0, 200).optional() });

export interface UserApplicationItem {
  applicationId: number;
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string;
  email: string | null;
  licenceNumber: string;
  appliedBy: string;
  appliedAt: string;
  status: 'pending' | 'approved' | 'refused';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** An empty address clears it. */
export const changeEmailRequest = z.object({
  email: z.union([z.literal(''), z.string().trim().max(254).email()]),
});

/** A facility the caller may issue terminals and IDs for, as a choice in a form. */
export interface FacilityChoice {
  code: string;
  name: string;
}

export interface TerminalItem {
  serial: string;
  /** null: the secretariat's. */
  facilityCode: string | null;
  facilityName: string;
  name: string;
  status: 'active' | 'revoked' | 'renewed' | 'expired';
  notAfter: string;
  createdAt: string;
  revokedAt: string | null;
  renewedFrom: string | null;
}

export interface TerminalList {
  terminals: TerminalItem[];
  /** The facilities the caller may issue terminals and IDs for. */
  facilities: FacilityChoice[];
}

/** Answered once: the PKCS#12 (base64) and its password are not kept by the server. */
export interface IssuedTerminalResponse {
  serial: string;
  facilityCode: string | null;
  name: string;
  notAfter: string;
  password: string;
  p12: string;
  /** The certificate a renewal replaced (revoked with it). */
  replaced?: string;
}

export interface UserItem {
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string | null;
  facilityName: string | null;
  email: string | null;
  active: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  unused: boolean;
}

export interface UserList {
  users: UserItem[];
  facilities: FacilityChoice[];
  /** The roles the caller may issue. */
  roles: Role[];
  unusedDays: number;
}

/** Answered once: the one-time password goes to the person out of band; only its hash is kept. */
export interface IssuedPasswordResponse {
  id: string;
  password: string;
}

export interface OwnSettings {
  email: string | null;
}
export * from './exchanges.js';

// DICOM peers (AE titles of facilities' PACS and modalities) and the export of a study to one.

/**
 * An AE title a facility registers: the gateway accepts it (from `address`
 * only, if given) and, with `exportTo`, sends studies back to it. The server
 * checks the AE title, the address and the host itself (its refusals name the
 * field), so the shapes here are loose.
 */
export const dicomPeerRequest = z.object({
  facilityCode,
  aeTitle: z.string().max(64),
  address: z.string().max(64).nullable().optional(),
  exportTo: z.object({ host: z.string().max(253), port: z.number().int() }).nullable().optional(),
});
export type DicomPeerRequest = z.infer<typeof dicomPeerRequest>;

export interface DicomPeerItem {
  aeTitle: string;
  facilityCode: string;
  facilityName: string;
  /** The only address it may connect from; null: any. */
  address: string | null;
  /** Where studies are sent back to it; null: none are. */
  exportTo: { host: string; port: number } | null;
  registeredAt: string;
}

export interface DicomPeerList {
  peers: DicomPeerItem[];
  /** The facilities the caller may register AE titles for. */
  facilities: FacilityChoice[];
  /** The AE title the gateway answers to (the one the PACS calls). */
  gatewayAeTitle: string;
}

/** A study (or some of its series) sent by C-STORE to a PACS of the caller's facility. */
export const studyExportRequest = z.object({
  peer: z.string().min(1).max(64),
  series: z.array(z.string().min(1).max(64)).max(1000).optional(),
});
export type StudyExportRequest = z.infer<typeof studyExportRequest>;

/** A PACS of the caller's own facility that a study can be sent to. */
export interface ExportTarget {
  aeTitle: string;
  facilityName: string;
}

/** A study token (POST /api/images/studies/{study}/token): `?access_token=` on that study's DICOMweb GETs and its download, in place of the session cookie, until `expiresAt`. */
export interface StudyTokenResponse {
  token: string;
  expiresAt: string;
}

export interface StudyExportResult {
  peer: string;
  sent: number;
  failed: number;
  /** Each instance and the status the PACS answered (0: success; in PS3.7's numbering). */
  instances: Array<{ sopInstanceUid: string; seriesUid: string; status: number; ok: boolean; comment?: string }>;
}
