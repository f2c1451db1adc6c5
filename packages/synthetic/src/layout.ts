/**
 * The record layouts the generator writes: one function per record, each
 * putting values at their field positions and returning the CSV line (no
 * quotes, no CR LF). Positions are 0-based after split(','), record id at 0;
 * empty fields are kept, so every line of a record type has the same count.
 *
 * 医科 (RECEIPTC.UKE) and the 医科 records of DPC (RECEIPTD.UKE), after
 * UKE_FORMAT.md §1:
 *   IR  1 審査支払機関, 2 都道府県, 3 点数表, 4 医療機関コード, 5 予備, 6 名称, 7 請求年月, 8 マルチボリューム, 9 電話  (10 fields)
 *   RE  1 レセプト番号, 2 種別, 3 診療年月, 4 氏名, 5 男女, 6 生年月日, 7 給付割合, 8 入院年月日 (DPC), 13 カルテ番号,
 *       36 カタカナ氏名, the rest empty  (38 fields)
 *   HO  1 保険者番号, 2 記号, 3 番号, 4 診療実日数, 5 合計点数, 7 食事療養回数, 8 食事療養合計金額  (15 fields)
 *   KO  1 公費負担者番号, 2 受給者番号, 4 診療実日数, 5 合計点数  (12 fields)
 *   SN  1 負担者種別 (1), 2 確認区分 (01), 6 枝番  (9 fields)
 *   JD  1 負担者種別 (1 医保, 2 第1公費), 2–32 days 1–31: 1 = 受診 (実日数に計上), empty otherwise  (33 fields);
 *       also in DPC (days in hospital) and 調剤 (受付, 受付等区分 1) receipts, after SN
 *   SY  1 傷病名コード, 2 診療開始日, 3 転帰区分, 4 修飾語コード, 5 傷病名称 (0000999 only), 6 主傷病 (01)  (8 fields)
 *   SI  1 診療識別, 2 負担区分, 3 診療行為コード, 5 点数, 6 回数, 13–43 days 1–31  (44 fields)
 *   IY  1 診療識別, 2 負担区分, 3 医薬品コード, 4 使用量, 5 点数, 6 回数, 13–43 days 1–31  (44 fields)
 *   CO  1 診療識別, 2 負担区分, 3 コメントコード, 4 文字データ  (5 fields)
 *   GO  1 総件数, 2 総合計点数, 3 マルチボリューム (99)  (4 fields)
 *
 * DPC only (RECEIPTD.UKE), after UKE_FORMAT.md §2:
 *   BU  1 診断群分類番号 (14 characters), 2 今回入院年月日, 3 今回退院年月日 (empty while in hospital),
 *       4 DPC転帰区分 (1 治癒・軽快, empty while in hospital), 5 死因  (6 fields)
 *   SB  1 傷病名コード, 2 修飾語コード, 3 傷病名称, 4 ICD10コード, 5 傷病名区分, 6 死因, 7 補足コメント  (8 fields)
 *       傷病名区分: 01 主傷病名, 11 入院の契機となった傷病名, 21 医療資源を最も投入した傷病名, 41 入院時併存傷病名
 *   CD  1 実施年月日, 2 診療識別, 3 順序番号, 4 行為明細番号, 5 レセ電コード (9 digits: 1… 診療行為,
 *       6… 医薬品, 7… 特定器材), 6 使用量, 7 数量データ, 8 単位コード, 9 回数, 10 特定器材名  (11 fields)
 *       順序番号 numbers the 行為 within one 実施年月日 from 1; 行為明細番号 numbers its lines from 1
 *       (the procedure first, then its drugs and devices).
 *
 * 調剤 (RECEIPTY.UKE), after the UKE_FORMAT.md Appendix (令和8年6月版, positions = indexes):
 *   YK  1 審査支払機関, 2 都道府県, 3 点数表 (4), 4 薬局コード, 5 名称, 6 請求年月, 7 マルチボリューム, 8 電話  (9 fields)
 *   RE  1 レセプト番号, 2 種別 (4xxx), 3 調剤年月, 4 氏名, 5 男女, 6 生年月日, 7 給付割合, 9 処方 都道府県,
 *       10 点数表, 11 医療機関コード, 12 医療機関名称, 14 保険医氏名1, 35 調剤録番号, 41 カタカナ氏名  (42 fields)
 *   HO  1 保険者番号, 2 記号, 3 番号, 4 処方箋受付回数, 5 合計点数  (14 fields)
 *   KO  1 負担者番号, 2 受給者番号, 4 処方箋受付回数, 5 合計点数  (10 fields)
 *   SH  1 処方No (2 digits), 2 剤形 (1 内服, 3 屯服, 5 外用), 3 用法コード (900 = 未コード化), 4 特別指示,
 *       5 単位薬剤料  (10 fields)
 *   CZ  1 医師No, 2 処方箋交付年月日, 3 調剤年月日, 4 処方箋受付回, 5 調剤数量, 13 薬剤料点数  (71 fields)
 *   IY  1 負担区分, 2 医薬品コード, 3 使用量, 9 1回用量 (内服 only)  (10 fields)
 */

const blanks = new Map<number, readonly string[]>();

/** A record's fields, all empty but the id: copying a template is cheaper than filling a new array. */
function fields(id: string, size: number): string[] {
  let blank = blanks.get(size);
  if (!blank) {
    blank = new Array<string>(size).fill('');
    blanks.set(size, blank);
  }
  const copy = blank.slice();
  copy[0] = id;
  return copy;
}

function line(id: string, size: number, values: readonly (readonly [number, string])[]): string {
  const record = fields(id, size);
  for (const [position, value] of values) record[position] = value;
  return record.join(',');
}

/** 1–31 → the count done that day, for the day columns. */
export type DayCounts = readonly (readonly [day: number, count: number])[];

export interface FileHeader {
  /** 1 支払基金, 2 国保連. */
  payer: string;
  prefecture: string;
  table: string;
  institutionCode: string;
  name: string;
  /** 請求年月, YYYYMM. */
  billing: string;
  phone: string;
}

export function irRecord(header: FileHeader): string {
  const { payer, prefecture, table, institutionCode, name, billing, phone } = header;
  return line('IR', 10, [[1, payer], [2, prefecture], [3, table], [4, institutionCode], [6, name], [7, billing], [8, '00'], [9, phone]]);
}

export function ykRecord(header: FileHeader): string {
  const { payer, prefecture, institutionCode, name, billing, phone } = header;
  return line('YK', 9, [[1, payer], [2, prefecture], [3, '4'], [4, institutionCode], [5, name], [6, billing], [7, '00'], [8, phone]]);
}

export interface PatientFields {
  number: number;
  type: string;
  /** 診療年月 / 調剤年月, YYYYMM. */
  month: string;
  name: string;
  sex: 1 | 2;
  birthDate: string;
  benefitRate: string;
  chart: string;
  kana: string;
}

export function medicalReRecord(patient: PatientFields, admissionDate = ''): string {
  const { number, type, month, name, sex, birthDate, benefitRate, chart, kana } = patient;
  return line('RE', 38, [[1, String(number)], [2, type], [3, month], [4, name], [5, String(sex)], [6, birthDate], [7, benefitRate], [8, admissionDate], [13, chart], [36, kana]]);
}

export interface Prescriber {
  prefecture: string;
  table: string;
  institutionCode: string;
  name: string;
  doctor: string;
}

export function pharmacyReRecord(patient: PatientFields, prescriber: Prescriber): string {
  const { number, type, month, name, sex, birthDate, benefitRate, chart, kana } = patient;
  return line('RE', 42, [
    [1, String(number)],
    [2, type],
    [3, month],
    [4, name],
    [5, String(sex)],
    [6, birthDate],
    [7, benefitRate],
    [9, prescriber.prefecture],
    [10, prescriber.table],
    [11, prescriber.institutionCode],
    [12, prescriber.name],
    [14, prescriber.doctor],
    [35, chart],
    [41, kana],
  ]);
}

export interface InsuranceFields {
  insurer: string;
  symbol: string;
  number: string;
  /** 診療実日数 (医科) or 処方箋受付回数 (調剤). */
  days: number;
  points: number;
}

export function medicalHoRecord(insurance: InsuranceFields, meals?: { count: number; yen: number }): string {
  const { insurer, symbol, number, days, points } = insurance;
  return line('HO', 15, [[1, insurer], [2, symbol], [3, number], [4, String(days)], [5, String(points)], [7, meals ? String(meals.count) : ''], [8, meals ? String(meals.yen) : '']]);
}

export function pharmacyHoRecord(insurance: InsuranceFields): string {
  const { insurer, symbol, number, days, points } = insurance;
  return line('HO', 14, [[1, insurer], [2, symbol], [3, number], [4, String(days)], [5, String(points)]]);
}

export interface PublicFields {
  payer: string;
  recipient: string;
  days: number;
  points: number;
}

export function medicalKoRecord(program: PublicFields): string {
  return line('KO', 12, [[1, program.payer], [2, program.recipient], [4, String(program.days)], [5, String(program.points)]]);
}

export function pharmacyKoRecord(program: PublicFields): string {
  return line('KO', 10, [[1, program.payer], [2, program.recipient], [4, String(program.days)], [5, String(program.points)]]);
}

/** SN for the 医療保険 (負担者種別 1), confirmed at the counter (確認区分 01). */
export function snRecord(branch: string): string {
  return line('SN', 9, [[1, '1'], [2, '01'], [6, branch]]);
}

/** JD (受診日等): the days of the month the person came (or was in hospital, or handed in a prescription). */
export function jdRecord(payerKind: '1' | '2', daysOfMonth: Iterable<number>): string {
  const record = fields('JD', 33);
  record[1] = payerKind;
  for (const day of daysOfMonth) record[1 + day] = '1';
  return record.join(',');
}

export interface DiagnosisFields {
  code: string;
  start: string;
  outcome: number;
  modifiers: string;
  /** Only for 0000999. */
  name: string;
  main: boolean;
}

export function syRecord(diagnosis: DiagnosisFields): string {
  const { code, start, outcome, modifiers, name, main } = diagnosis;
  return line('SY', 8, [[1, code], [2, start], [3, String(outcome)], [4, modifiers], [5, name], [6, main ? '01' : '']]);
}

export interface ItemFields {
  /** Empty except on the first line of a 診療識別 group. */
  practice: string;
  burden: string;
  code: string;
  /** 数量データ (SI) or 使用量 (IY). */
  quantity: string;
  /** Empty except on the last line of a 算定単位. */
  points: string;
  times: number;
  days: DayCounts;
}

function itemRecord(id: 'SI' | 'IY', item: ItemFields): string {
  const record = fields(id, 44);
  record[1] = item.practice;
  record[2] = item.burden;
  record[3] = item.code;
  record[4] = item.quantity;
  record[5] = item.points;
  record[6] = String(item.times);
  for (const [day, count] of item.days) record[12 + day] = String(count);
  return record.join(',');
}

export function siRecord(item: ItemFields): string {
  return itemRecord('SI', item);
}

export function medicalIyRecord(item: ItemFields): string {
  return itemRecord('IY', item);
}

/** 810000001: the free-text コメントコード. */
export function coRecord(practice: string, burden: string, text: string): string {
  return line('CO', 5, [[1, practice], [2, burden], [3, '810000001'], [4, text]]);
}

/** 総件数 counts the HO and KO records (one per payer of each receipt), 総合計点数 the receipts' points. */
export function goRecord(claims: number, points: number): string {
  return line('GO', 4, [[1, String(claims)], [2, String(points)], [3, '99']]);
}

export function buRecord(dpcCode: string, admission: string, discharge: string, outcome: string): string {
  return line('BU', 6, [[1, dpcCode], [2, admission], [3, discharge], [4, outcome]]);
}

export function sbRecord(code: string, modifiers: string, name: string, icd10: string, category: string): string {
  return line('SB', 8, [[1, code], [2, modifiers], [3, name], [4, icd10], [5, category]]);
}

export interface CodingFields {
  date: string;
  practice: string;
  sequence: number;
  detail: number;
  code: string;
  /** 使用量 of a drug or device. */
  amount: string;
  unitCode: string;
  times: number;
  /** 特定器材名 of a device. */
  deviceName: string;
}

export function cdRecord(coding: CodingFields): string {
  const { date, practice, sequence, detail, code, amount, unitCode, times, deviceName } = coding;
  return line('CD', 11, [[1, date], [2, practice], [3, String(sequence)], [4, String(detail)], [5, code], [6, amount], [8, unitCode], [9, String(times)], [10, deviceName]]);
}

export interface PreparationFields {
  no: number;
  /** 剤形: 1 内服, 3 屯服, 5 外用. */
  form: string;
  usageCode: string;
  instruction: string;
  unitPoints: number;
}

export function shRecord(preparation: PreparationFields): string {
  const { no, form, usageCode, instruction, unitPoints } = preparation;
  return line('SH', 10, [[1, no < 10 ? `0${no}` : String(no)], [2, form], [3, usageCode], [4, instruction], [5, String(unitPoints)]]);
}

export interface DispensingFields {
  issued: string;
  dispensed: string;
  /** 処方箋受付回: which reception of the month (1, 2, …). */
  reception: number;
  quantity: number;
  drugPoints: number;
}

export function czRecord(dispensing: DispensingFields): string {
  const { issued, dispensed, reception, quantity, drugPoints } = dispensing;
  return line('CZ', 71, [[1, '1'], [2, issued], [3, dispensed], [4, String(reception)], [5, String(quantity)], [13, String(drugPoints)]]);
}

export function pharmacyIyRecord(burden: string, code: string, amount: string, singleDose: string): string {
  return line('IY', 10, [[1, burden], [2, code], [3, amount], [9, singleDose]]);
}

/** Numbers as UKE writes them: no exponent, no trailing zeros (0.5, 2.5, 60). */
export function formatAmount(value: number): string {
  return String(Math.round(value * 100000) / 100000);
}
