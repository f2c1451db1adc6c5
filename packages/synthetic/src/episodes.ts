/**
 * Acute episodes seen in clinics: how often they start (by age, sex and season),
 * how many visits they take, and what is ordered. Some open with a 疑い
 * diagnosis (修飾語 8002) that a test rules out at the next visit (転帰 2).
 */
import type { Department } from './facilities.js';
import { asNeeded, daily, external, type DrugOrder, type Order } from './orders.js';
import { usages, vocab, type VocabularyEntry } from './vocabulary.js';

export interface Suspicion {
  diagnosis: VocabularyEntry;
  /** Chance that an episode opens with it. */
  share: number;
  /** Ordered on the first visit to confirm or rule it out. */
  orders: readonly Order[];
}

export interface AcuteDefinition {
  key: string;
  diagnosis: VocabularyEntry;
  department: Department;
  /** Chance that it starts in a given month; `calendarMonth` is 1–12. */
  monthlyRate(age: number, sex: 1 | 2, calendarMonth: number): number;
  visits: readonly [number, number];
  intervalDays: readonly [number, number];
  /** Chance the diagnosis is closed as 治ゆ on the last visit rather than left 継続. */
  cureShare: number;
  laterality: 'none' | 'side';
  /** Alternatives; one is prescribed on the first visit for `prescriptionDays`. */
  prescriptions: readonly (readonly DrugOrder[])[];
  /** Added to the prescription in this share of episodes (antibiotics). */
  extra: { share: number; options: readonly (readonly DrugOrder[])[] } | null;
  prescriptionDays: number;
  firstVisit: readonly Order[];
  followUp: readonly Order[];
  suspicions: readonly Suspicion[];
}

const v = vocab;
const u = usages;
const winter = (calendarMonth: number) => calendarMonth === 12 || calendarMonth <= 2;

const tests = (...items: VocabularyEntry[]): Order => ({ kind: 'tests', items });
const xray: Order = { kind: 'imaging', study: 'xray' };

function acute(definition: Partial<AcuteDefinition> & Pick<AcuteDefinition, 'key' | 'diagnosis' | 'department' | 'monthlyRate'>): AcuteDefinition {
  return {
    visits: [1, 1],
    intervalDays: [5, 7],
    cureShare: 0.6,
    laterality: 'none',
    prescriptions: [[]],
    extra: null,
    prescriptionDays: 5,
    firstVisit: [],
    followUp: [],
    suspicions: [],
    ...definition,
  };
}

export const acuteEpisodes: readonly AcuteDefinition[] = [
  acute({
    key: 'upperRespiratoryInfection',
    diagnosis: v.acuteUpperRespiratoryInfection,
    department: 'internal',
    monthlyRate: (age, _sex, month) => (age < 10 ? 0.06 : age < 20 ? 0.03 : 0.018) * (winter(month) ? 1.6 : month >= 6 && month <= 8 ? 0.7 : 1),
    visits: [1, 2],
    prescriptions: [
      [asNeeded(v.acetaminophen, 1, 5), daily(v.carbocisteine, 3, u.afterEachMeal)],
      [daily(v.carbocisteine, 3, u.afterEachMeal)],
    ],
    extra: {
      share: 0.3,
      options: [[daily(v.cefcapene, 3, u.afterEachMeal)], [daily(v.amoxicillin, 3, u.afterEachMeal)], [daily(v.clarithromycin, 2, u.afterBreakfastAndDinner)]],
    },
    suspicions: [
      { diagnosis: v.influenza, share: 0.25, orders: [tests(v.influenzaAntigen)] },
      { diagnosis: v.covid19, share: 0.1, orders: [tests(v.sarsCov2Antigen)] },
    ],
  }),
  acute({
    key: 'influenza',
    diagnosis: v.influenza,
    department: 'internal',
    monthlyRate: (age, _sex, month) => (winter(month) || month === 3 ? (age < 15 ? 0.03 : 0.01) : 0.0005),
    prescriptions: [[daily(v.oseltamivir, 2, u.afterBreakfastAndDinner), asNeeded(v.acetaminophen, 1, 5)]],
    firstVisit: [tests(v.influenzaAntigen)],
  }),
  acute({
    key: 'covid19',
    diagnosis: v.covid19,
    department: 'internal',
    monthlyRate: (_age, _sex, month) => (month === 1 || month === 8 ? 0.01 : 0.004),
    prescriptions: [[asNeeded(v.acetaminophen, 1, 5), daily(v.carbocisteine, 3, u.afterEachMeal)]],
    firstVisit: [tests(v.sarsCov2Antigen)],
  }),
  acute({
    key: 'gastroenteritis',
    diagnosis: v.infectiousGastroenteritis,
    department: 'internal',
    monthlyRate: (age, _sex, month) => (age < 10 ? 0.02 : 0.006) * (winter(month) ? 1.8 : 1),
    prescriptions: [[daily(v.biofermin, 3, u.afterEachMeal), daily(v.domperidone, 3, u.afterEachMeal)]],
  }),
  acute({
    key: 'bronchitis',
    diagnosis: v.acuteBronchitis,
    department: 'internal',
    monthlyRate: (age) => (age >= 65 ? 0.008 : 0.004),
    visits: [1, 2],
    prescriptionDays: 7,
    prescriptions: [[daily(v.clarithromycin, 2, u.afterBreakfastAndDinner), daily(v.carbocisteine, 3, u.afterEachMeal)]],
    suspicions: [{ diagnosis: v.pneumonia, share: 0.35, orders: [xray, tests(v.cbc, v.crp)] }],
  }),
  acute({
    key: 'allergicRhinitis',
    diagnosis: v.allergicRhinitis,
    department: 'internal',
    monthlyRate: (age, _sex, month) => (month >= 2 && month <= 4 && age >= 6 ? 0.02 : 0.001),
    cureShare: 0.2,
    prescriptionDays: 28,
    prescriptions: [[daily(v.epinastine, 1, u.beforeSleep)]],
  }),
  acute({
    key: 'allergicConjunctivitis',
    diagnosis: v.allergicConjunctivitis,
    department: 'eye',
    monthlyRate: (age, _sex, month) => (month >= 2 && month <= 4 && age >= 6 ? 0.01 : 0.0005),
    cureShare: 0.3,
    prescriptionDays: 28,
    prescriptions: [[external(v.olopatadineEyeDrops, 5, u.eyeDropsFourTimes)]],
    firstVisit: [tests(v.slitLamp)],
  }),
  acute({
    key: 'lowBackPain',
    diagnosis: v.lowBackPain,
    department: 'orthopedic',
    monthlyRate: (age) => (age >= 30 ? 0.005 : 0.001),
    visits: [1, 3],
    intervalDays: [6, 10],
    prescriptionDays: 14,
    prescriptions: [[external(v.loxoninTape, 28, u.poultice)], [daily(v.loxoprofen, 3, u.afterEachMeal), daily(v.rebamipide, 3, u.afterEachMeal)]],
    firstVisit: [xray, { kind: 'procedure', practice: '40', procedure: v.compressPoultice, drugs: [] }],
    followUp: [{ kind: 'procedure', practice: '40', procedure: v.compressPoultice, drugs: [] }],
  }),
  acute({
    key: 'distalRadiusFracture',
    diagnosis: v.distalRadiusFracture,
    department: 'orthopedic',
    monthlyRate: (age, sex) => (age >= 65 ? (sex === 2 ? 0.002 : 0.0006) : 0.0003),
    visits: [4, 6],
    intervalDays: [7, 14],
    cureShare: 0.9,
    laterality: 'side',
    prescriptionDays: 7,
    prescriptions: [[daily(v.loxoprofen, 3, u.afterEachMeal), daily(v.rebamipide, 3, u.afterEachMeal)]],
    firstVisit: [
      xray,
      { kind: 'procedure', practice: '50', procedure: v.closedReductionForearm, drugs: [{ drug: v.lidocaineInjection, amount: 1 }] },
      { kind: 'procedure', practice: '40', procedure: v.castForearm, drugs: [] },
    ],
    followUp: [xray],
  }),
  acute({
    key: 'lumbarCompressionFracture',
    diagnosis: v.lumbarCompressionFracture,
    department: 'orthopedic',
    monthlyRate: (age, sex) => (age >= 70 ? (sex === 2 ? 0.0015 : 0.0005) : 0),
    visits: [2, 4],
    intervalDays: [10, 21],
    prescriptionDays: 14,
    prescriptions: [[daily(v.loxoprofen, 3, u.afterEachMeal), daily(v.rebamipide, 3, u.afterEachMeal)]],
    firstVisit: [xray],
    followUp: [xray],
  }),
];
