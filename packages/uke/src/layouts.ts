/**
 * The record layouts, as data: for each record id, the fields the parser reads,
 * with their 0-based index after `split(',')` (record id at 0), the name the
 * 記録条件仕様 gives them, and their type. A new specification is a new table.
 *
 * Sources: 医科 — receiptisan record.rb (R02–R06), cross-checked with OpenReceiptViewer
 * and meddatum; 調剤 — 記録条件仕様（調剤用）令和8年6月版; DPC — meddatum rezept_dpc.hrl
 * with 西暦 dates. See shared/reference/UKE_FORMAT.md.
 */
import type { ReceiptKind } from './model.js';

export type FieldType = 'text' | 'code' | 'integer' | 'decimal' | 'date' | 'month';

export interface FieldSpec {
  readonly index: number;
  readonly label: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** Personal data: an error message names the field but never shows its value. */
  readonly personal: boolean;
}

export interface RecordLayout {
  readonly id: string;
  readonly label: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Index of the 1日 column of the 31 day columns (算定日), where the record has them. */
  readonly dayColumns?: number;
}

const field = (index: number, label: string, type: FieldType, required = false): FieldSpec => ({ index, label, type, required, personal: false });
const personal = (index: number, label: string, type: FieldType, required = false): FieldSpec => ({ index, label, type, required, personal: true });

function layout<F extends Record<string, FieldSpec>>(id: string, label: string, fields: F): { id: string; label: string; fields: F };
function layout<F extends Record<string, FieldSpec>>(id: string, label: string, fields: F, dayColumns: number): { id: string; label: string; fields: F; dayColumns: number };
function layout(id: string, label: string, fields: Record<string, FieldSpec>, dayColumns?: number): RecordLayout {
  return dayColumns === undefined ? { id, label, fields } : { id, label, fields, dayColumns };
}

const IR = layout('IR', '医療機関情報', {
  payer: field(1, '審査支払機関', 'code', true),
  prefecture: field(2, '都道府県', 'code', true),
  table: field(3, '点数表', 'code', true),
  institutionCode: field(4, '医療機関コード', 'code', true),
  facilityName: field(6, '医療機関名称', 'text'),
  billingMonth: field(7, '請求年月', 'month'),
  volume: field(8, 'マルチボリューム識別情報', 'code'),
});

const RE = layout('RE', 'レセプト共通', {
  number: field(1, 'レセプト番号', 'integer', true),
  receiptType: field(2, 'レセプト種別', 'code', true),
  serviceMonth: field(3, '診療年月', 'month', true),
  name: personal(4, '氏名', 'text', true),
  sex: field(5, '男女区分', 'code', true),
  birthDate: personal(6, '生年月日', 'date', true),
  admittedOn: field(8, '入院年月日', 'date'),
  chartNumber: personal(13, 'カルテ番号等', 'text'),
  searchNumber: field(18, '検索番号', 'text'),
  kana: personal(36, 'カタカナ氏名', 'text'),
});

const HO = layout('HO', '保険者', {
  insurerNumber: field(1, '保険者番号', 'code'),
  symbol: personal(2, '被保険者証等の記号', 'text'),
  number: personal(3, '被保険者証等の番号', 'text'),
  points: field(5, '合計点数', 'integer'),
});

const KO = layout('KO', '公費', {
  payerNumber: field(1, '公費負担者番号', 'code', true),
  recipientNumber: personal(2, '公費受給者番号', 'code'),
  points: field(5, '合計点数', 'integer'),
});

const SN = layout('SN', '資格確認', {
  payerKind: field(1, '負担者種別', 'code', true),
  branch: personal(6, '枝番', 'code'),
});

const SY = layout('SY', '傷病名', {
  code: field(1, '傷病名コード', 'code', true),
  startDate: field(2, '診療開始日', 'date'),
  outcome: field(3, '転帰区分', 'code'),
  modifiers: field(4, '修飾語コード', 'code'),
  name: field(5, '傷病名称', 'text'),
  main: field(6, '主傷病', 'code'),
});

const SI = layout(
  'SI',
  '診療行為',
  {
    practice: field(1, '診療識別', 'code'),
    burden: field(2, '負担区分', 'code'),
    code: field(3, '診療行為コード', 'code', true),
    quantity: field(4, '数量データ', 'decimal'),
    points: field(5, '点数', 'integer'),
    times: field(6, '回数', 'integer'),
  },
  13,
);

const IY = layout(
  'IY',
  '医薬品',
  {
    practice: field(1, '診療識別', 'code'),
    burden: field(2, '負担区分', 'code'),
    code: field(3, '医薬品コード', 'code', true),
    quantity: field(4, '使用量', 'decimal'),
    points: field(5, '点数', 'integer'),
    times: field(6, '回数', 'integer'),
  },
  13,
);

const TO = layout(
  'TO',
  '特定器材',
  {
    practice: field(1, '診療識別', 'code'),
    burden: field(2, '負担区分', 'code'),
    code: field(3, '特定器材コード', 'code', true),
    quantity: field(4, '使用量', 'decimal'),
    points: field(5, '点数', 'integer'),
    times: field(6, '回数', 'integer'),
  },
  17,
);

const CO = layout('CO', 'コメント', {
  practice: field(1, '診療識別', 'code'),
  burden: field(2, '負担区分', 'code'),
  code: field(3, 'コメントコード', 'code'),
  text: field(4, '文字データ', 'text'),
});

const GO = layout('GO', '診療報酬請求書', {
  total: field(1, '総件数', 'integer', true),
  points: field(2, '総合計点数', 'integer', true),
  volume: field(3, 'マルチボリューム識別情報', 'code'),
});

/** DPC: 診断群分類. */
const BU = layout('BU', '診断群分類', {
  dpcCode: field(1, '診断群分類番号', 'code', true),
  admittedOn: field(2, '今回入院年月日', 'date'),
  dischargedOn: field(3, '今回退院年月日', 'date'),
});

/** DPC: 傷病 (with its own ICD-10 code). */
const SB = layout('SB', '傷病', {
  code: field(1, '傷病名コード', 'code', true),
  modifiers: field(2, '修飾語コード', 'code'),
  name: field(3, '傷病名称', 'text'),
  icd10: field(4, 'ICD10コード', 'code'),
  category: field(5, '傷病名区分', 'code'),
});

/** DPC: コーディングデータ, the per-day detail of what was done inside the bundled payment. */
const CD = layout('CD', 'コーディングデータ', {
  performedOn: field(1, '実施年月日', 'date', true),
  practice: field(2, '診療識別', 'code'),
  sequence: field(3, '順序番号', 'integer'),
  detail: field(4, '行為明細番号', 'integer'),
  code: field(5, 'レセ電コード', 'code', true),
  quantity: field(6, '使用量', 'decimal'),
  amount: field(7, '数量データ', 'decimal'),
  times: field(9, '回数', 'integer'),
});

/** 調剤: 薬局情報 (instead of IR). */
const YK = layout('YK', '薬局情報', {
  payer: field(1, '審査支払機関', 'code', true),
  prefecture: field(2, '都道府県', 'code', true),
  table: field(3, '点数表', 'code', true),
  institutionCode: field(4, '薬局コード', 'code', true),
  facilityName: field(5, '薬局名称', 'text'),
  billingMonth: field(6, '請求年月', 'month'),
  volume: field(7, 'マルチボリューム', 'code'),
});

const pharmacyRE = layout('RE', 'レセプト共通', {
  number: field(1, 'レセプト番号', 'integer', true),
  receiptType: field(2, 'レセプト種別', 'code', true),
  serviceMonth: field(3, '調剤年月', 'month', true),
  name: personal(4, '氏名', 'text', true),
  sex: field(5, '男女区分', 'code', true),
  birthDate: personal(6, '生年月日', 'date', true),
  prescriberPrefecture: field(9, '処方医療機関 都道府県', 'code'),
  prescriberTable: field(10, '処方医療機関 点数表', 'code'),
  prescriberCode: field(11, '処方医療機関コード', 'code'),
  prescriberName: field(12, '処方医療機関名称', 'text'),
  chartNumber: personal(35, '調剤録番号等', 'text'),
  searchNumber: field(37, '検索番号', 'text'),
  kana: personal(41, 'カタカナ氏名', 'text'),
});

/** 調剤: 処方 (one 剤: form and 用法). */
const SH = layout('SH', '処方基本', {
  prescriptionNo: field(1, '処方No', 'code'),
  form: field(2, '剤形', 'code', true),
  usageCode: field(3, '用法コード', 'code'),
  instruction: field(4, '特別指示', 'text'),
});

/** 調剤: when the 剤 was prescribed and dispensed, and for how many days. */
const CZ = layout('CZ', '調剤', {
  prescribedOn: field(2, '処方箋交付年月日', 'date'),
  dispensedOn: field(3, '調剤年月日', 'date', true),
  quantity: field(5, '調剤数量', 'integer'),
});

const pharmacyIY = layout('IY', '医薬品', {
  burden: field(1, '負担区分', 'code'),
  code: field(2, '医薬品コード', 'code', true),
  quantity: field(3, '使用量', 'decimal'),
  singleDose: field(9, '1回用量', 'decimal'),
});

const pharmacyTO = layout('TO', '特定器材', {
  burden: field(1, '負担区分', 'code'),
  code: field(2, '特定器材コード', 'code', true),
  quantity: field(3, '使用量', 'decimal'),
});

const pharmacyCO = layout('CO', 'コメント', {
  code: field(1, 'コメントコード', 'code'),
  text: field(2, '文字データ', 'text'),
});

/** 歯科: 受付情報 and the dental IR, which carries 請求年月 where 医科 has the name. */
const UK = layout('UK', '受付情報', {
  institutionCode: field(4, '医療機関コード', 'code', true),
  facilityName: field(6, '医療機関名称', 'text'),
});
const dentalIR = layout('IR', '医療機関情報', {
  payer: field(1, '審査支払機関', 'code', true),
  prefecture: field(2, '都道府県', 'code', true),
  table: field(3, '点数表', 'code', true),
  institutionCode: field(4, '医療機関コード', 'code', true),
  billingMonth: field(6, '請求年月', 'month'),
});
const dentalRE = layout('RE', 'レセプト共通', {
  number: field(1, 'レセプト番号', 'integer', true),
  receiptType: field(2, 'レセプト種別', 'code', true),
  serviceMonth: field(3, '診療年月', 'month', true),
  name: personal(4, '氏名', 'text', true),
  sex: field(5, '男女区分', 'code', true),
  birthDate: personal(6, '生年月日', 'date', true),
});

/** Records of returned and insurer-side data (返戻, 再審査, 保険者向け): recognised, not read. */
const INSURER_SIDE = ['MN', 'RC', 'JY', 'EX', 'HI', 'HR', 'HG', 'ON', 'MD', 'RT', 'JR', 'MK'];

export const medicalLayouts = { IR, RE, HO, KO, SN, SY, SI, IY, TO, CO, GO, BU, SB, CD } as const;
export const pharmacyLayouts = { YK, RE: pharmacyRE, HO, KO, SN, SH, CZ, IY: pharmacyIY, TO: pharmacyTO, CO: pharmacyCO, GO } as const;
export const dentalLayouts = { UK, IR: dentalIR, RE: dentalRE, HO, KO, SN, GO } as const;

/** Every record id a file of each kind may hold; any other id refuses the file. */
export const knownRecordIds: Readonly<Record<ReceiptKind, ReadonlySet<string>>> = {
  medical: new Set([...Object.keys(medicalLayouts), 'JD', 'MF', 'GR', 'SJ', 'TI', 'TR', 'TS', 'KH', 'NI', 'KK', 'SK', 'GA', 'HH', 'GT', ...INSURER_SIDE]),
  dpc: new Set([...Object.keys(medicalLayouts), 'JD', 'MF', 'GR', 'SJ', 'TI', 'TR', 'TS', 'KH', 'NI', 'KK', 'SK', 'GA', 'HH', 'GT', ...INSURER_SIDE]),
  pharmacy: new Set([...Object.keys(pharmacyLayouts), 'JD', 'MF', 'TK', 'KI', 'ST', ...INSURER_SIDE]),
  dental: new Set([...Object.keys(dentalLayouts), 'JD', 'MF', 'HS', 'SS', 'SI', 'IY', 'TO', 'CO', 'SJ', ...INSURER_SIDE]),
};
