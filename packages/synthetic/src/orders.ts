/**
 * What a doctor orders at a visit, before it becomes UKE records: drugs grouped
 * into 剤 (preparations), lab tests, imaging and procedures. The 医科 builder
 * turns these into SI/IY/CO units and the 調剤 builder turns preparations into
 * SH/CZ/IY; the DPC builder shares the imaging units and the drug 点数.
 */
import { usages, type Usage, type VocabularyEntry, vocab } from './vocabulary.js';

/** 内服 (days), 屯服 (times) or 外用 (one supply). */
export type Form = 'internal' | 'asNeeded' | 'external';

export interface DrugOrder {
  drug: VocabularyEntry;
  form: Form;
  usage: Usage;
  /** internal: per day (使用量); asNeeded: per dose; external: per 28 days of supply. */
  amount: number;
  /** 1回用量 of an internal drug. */
  singleDose: number;
  /** Times dispensed for an as-needed drug. */
  times: number;
}

/** One 剤: drugs with the same form and 用法, dispensed for the same days. */
export interface Preparation {
  form: Form;
  usage: Usage;
  /** Days (internal), times (as needed) or 1 (external): 医科 回数 and 調剤 調剤数量. */
  quantity: number;
  drugs: { drug: VocabularyEntry; amount: number; singleDose: number }[];
}

export type Order =
  | { kind: 'prescription'; preparations: Preparation[] }
  | { kind: 'tests'; items: readonly VocabularyEntry[] }
  | { kind: 'imaging'; study: ImagingStudy }
  | { kind: 'procedure'; practice: '33' | '40' | '50'; procedure: VocabularyEntry; drugs: readonly DrugAmount[] }
  | { kind: 'management'; fee: VocabularyEntry };

export interface DrugAmount {
  drug: VocabularyEntry;
  amount: number;
}

export type ImagingStudy = 'xray' | 'ct' | 'mri';

/** The SI lines of one imaging unit: 撮影, 診断 and 電子画像管理加算. */
export const imagingLines: Record<ImagingStudy, readonly VocabularyEntry[]> = {
  xray: [vocab.xrayDiagnosis, vocab.xrayDigital, vocab.xrayElectronicBonus],
  ct: [vocab.ct64, vocab.ctDiagnosis, vocab.ctElectronicBonus],
  mri: [vocab.mri, vocab.ctDiagnosis, vocab.ctElectronicBonus],
};

export function daily(drug: VocabularyEntry, amount: number, usage: Usage, singleDose = 1): DrugOrder {
  return { drug, form: 'internal', usage, amount, singleDose, times: 0 };
}

export function asNeeded(drug: VocabularyEntry, dose: number, times: number): DrugOrder {
  return { drug, form: 'asNeeded', usage: usages.whenFeverish, amount: dose, singleDose: dose, times };
}

export function external(drug: VocabularyEntry, amountPer28Days: number, usage: Usage): DrugOrder {
  return { drug, form: 'external', usage, amount: amountPer28Days, singleDose: 0, times: 0 };
}

/**
 * Groups drug orders into 剤 as a prescription is written: internal drugs with
 * the same 用法 share one 剤; as-needed and external drugs get one each.
 */
export function preparationsFor(orders: readonly DrugOrder[], days: number): Preparation[] {
  const preparations: Preparation[] = [];
  const internalByUsage = new Map<string, Preparation>();
  for (const order of orders) {
    if (order.form === 'internal') {
      const key = order.usage.code + order.usage.text;
      let preparation = internalByUsage.get(key);
      if (!preparation) {
        preparation = { form: 'internal', usage: order.usage, quantity: days, drugs: [] };
        internalByUsage.set(key, preparation);
        preparations.push(preparation);
      }
      preparation.drugs.push({ drug: order.drug, amount: order.amount, singleDose: order.singleDose });
    } else if (order.form === 'asNeeded') {
      preparations.push({
        form: 'asNeeded',
        usage: order.usage,
        quantity: order.times,
        drugs: [{ drug: order.drug, amount: order.amount, singleDose: order.singleDose }],
      });
    } else {
      const supply = Math.round((order.amount * days * 10) / 28) / 10;
      preparations.push({ form: 'external', usage: order.usage, quantity: 1, drugs: [{ drug: order.drug, amount: supply, singleDose: 0 }] });
    }
  }
  return preparations;
}

/**
 * 薬剤料 in 点 from a price in yen: 15円以下は1点, above that 1/10 rounded with
 * 五捨五超入 (0.5 rounds down).
 */
export function drugPoints(yen: number): number {
  if (yen <= 15) return 1;
  const tenths = yen / 10;
  const floor = Math.floor(tenths);
  return tenths - floor > 0.5 + 1e-9 ? floor + 1 : floor;
}

/** Points of one unit of a preparation (1日分, 1回分 or the whole 外用 supply). */
export function preparationUnitPoints(preparation: Preparation): number {
  let yen = 0;
  for (const { drug, amount } of preparation.drugs) yen += (drug.price ?? 0) * amount;
  return drugPoints(yen);
}
