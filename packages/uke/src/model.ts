/**
 * What the parser makes of a claims file: a header, then receipts with their
 * diagnoses and billed items, in the vocabulary of the UKE specification but
 * with plain types (ISO dates, numbers, trimmed and NFKC-normalized codes).
 */

/** 医科, DPC, 歯科 and 調剤 files (RECEIPTC, RECEIPTD, 歯科, RECEIPTY). */
export type ReceiptKind = 'medical' | 'dpc' | 'dental' | 'pharmacy';

/** The IR (医療機関情報) or YK (薬局情報) record. */
export interface ClaimFileHeader {
  kind: ReceiptKind;
  /** 審査支払機関: 1 支払基金, 2 国保連. */
  payer: string;
  /** 都道府県 (2 digits). */
  prefecture: string;
  /** 点数表: 1 医科, 3 歯科, 4 調剤. */
  table: string;
  /** 医療機関コード / 薬局コード (7 digits). */
  institutionCode: string;
  /** The 10-digit facility code: prefecture + table + institution code. */
  facilityCode: string;
  facilityName: string;
  /** 請求年月, YYYY-MM. */
  billingMonth: string | null;
  /** IR/YK マルチボリューム識別情報: the volume's place (1, 2, …) in a delivery on several; null for 00. */
  volume: number | null;
}

/**
 * A file's place in its delivery. A delivery on several volumes numbers them
 * 01, 02, … in GO マルチボリューム識別情報 and marks the last 99; a file on its
 * own is 99 too.
 */
export interface VolumeMark {
  /** 1, 2, …; null where the file does not say (a single file, or a last volume with IR 00). */
  number: number | null;
  last: boolean;
}

export interface Patient {
  /** 氏名 as written (full-width, 姓 and 名 separated by a space). */
  name: string;
  /** カタカナ氏名, when present. */
  kana: string | null;
  /** 男女区分: 1 男, 2 女. */
  sex: 1 | 2;
  /** 生年月日, YYYY-MM-DD. */
  birthDate: string;
}

/** The HO record, with the 枝番 of the SN record where present. */
export interface Insurance {
  /** 保険者番号: 8 digits, or 6 for 国保 (leading spaces removed). */
  insurerNumber: string;
  /** 被保険者証等の記号 (NFKC-normalized). */
  symbol: string;
  /** 被保険者証等の番号 (NFKC-normalized). */
  number: string;
  /** 枝番 (2 digits) or '' when the receipt has none. */
  branch: string;
}

/** A 公費 (KO record). */
export interface PublicProgram {
  payerNumber: string;
  recipientNumber: string;
}

/** A prescribing facility, as a 調剤 receipt names it. */
export interface Prescriber {
  facilityCode: string;
  name: string;
}

export type Outcome = 1 | 2 | 3 | 4;

/** A 傷病名 (SY, or SB in DPC). */
export interface Diagnosis {
  line: number;
  /** 傷病名コード (7 digits); 0000999 = 未コード化傷病名, see `name`. */
  code: string;
  /** The written name, for uncoded diagnoses. */
  name: string | null;
  /** 修飾語コード, 4-digit codes concatenated. */
  modifiers: string;
  /** 診療開始日, YYYY-MM-DD. */
  startDate: string | null;
  /** 転帰区分: 1 継続, 2 治ゆ, 3 死亡, 4 中止(転医). */
  outcome: Outcome;
  /** 疑い病名: modifier 8002. */
  suspected: boolean;
  /** 主傷病. */
  main: boolean;
  /** ICD-10 where the receipt itself carries one (DPC SB). */
  icd10: string | null;
}

/** Which master a billed code belongs to. */
export type CodeKind = 's' | 'y' | 't';

/**
 * One billed line (SI 診療行為, IY 医薬品, TO 特定器材; CD in DPC; IY in 調剤).
 * Lines of one 算定単位 share `unitNo`; lines of one 診療識別 group share `practice`.
 */
export interface ClaimItem {
  line: number;
  codeKind: CodeKind;
  code: string;
  /** 診療識別 (2 digits), carried forward within the group. */
  practice: string;
  /** 負担区分 (one character, a bitmask over 医保 and 公費 1–4). */
  burden: string;
  /** 使用量 or 数量データ. */
  quantity: number | null;
  /** 点数, only on the last line of a 算定単位. */
  points: number | null;
  /** 回数 (for 内服: 日数). */
  times: number | null;
  /** The days it was done, YYYY-MM-DD, from the day columns (or the 調剤年月日). */
  dates: string[];
  /** Ordinal of its 診療識別 group within the receipt (drugs inside a 手術 group share it with the 手術). */
  groupNo: number;
  /** Ordinal of its 算定単位 within the receipt. */
  unitNo: number;
  /** 調剤数量 (days supplied), for 調剤. */
  days: number | null;
  /** 1回用量, for 調剤. */
  singleDose: number | null;
  /** 用法 text (CO line in a 投薬 group, or 調剤 SH 用法). */
  usage: string | null;
}

export interface Receipt {
  /** Line of the RE record in the file. */
  line: number;
  /** Lines from RE up to the next RE (or GO). */
  lineCount: number;
  /** レセプト番号 (sequential within the file). */
  number: number;
  /** レセプト種別 (4 digits). */
  receiptType: string;
  /** 診療年月 / 調剤年月, YYYY-MM. */
  serviceMonth: string;
  patient: Patient;
  /** Null for 公費単独. */
  insurance: Insurance | null;
  publicPrograms: PublicProgram[];
  /** 調剤: the prescribing facility. */
  prescriber: Prescriber | null;
  /** 合計点数 of the HO (or first KO) record. */
  points: number | null;
  diagnoses: Diagnosis[];
  items: ClaimItem[];
  /** 検索番号, where set by the 審査支払機関. */
  searchNumber: string | null;
  /** カルテ番号等 (調剤: 調剤録番号): the facility's own patient number. */
  chartNumber: string | null;
  /** 入院: the stay this receipt bills (医科 RE 入院年月日; DPC BU 今回入院・退院年月日 and 診断群分類番号); null for outpatient receipts. */
  stay: Stay | null;
}

export interface Stay {
  /** YYYY-MM-DD. */
  admittedOn: string | null;
  /** YYYY-MM-DD; only a DPC receipt gives it, once the patient has left. */
  dischargedOn: string | null;
  /** 診断群分類番号 (14 characters), DPC only. */
  dpcCode: string | null;
}
