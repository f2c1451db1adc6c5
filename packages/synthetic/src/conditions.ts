/**
 * Chronic conditions as plausible care bundles: the diagnosis, who treats it,
 * how common it is by age and sex, the drug regimens to choose from, and the
 * tests and imaging that follow it. Prevalences are rough figures for an
 * ageing prefecture, not statistics.
 */
import type { Department } from './facilities.js';
import { daily, external, type DrugAmount, type DrugOrder, type ImagingStudy } from './orders.js';
import { usages, vocab, type VocabularyEntry } from './vocabulary.js';

export interface ScheduledTests {
  items: readonly VocabularyEntry[];
  everyMonths: number;
}

export interface ChronicDefinition {
  key: string;
  /** Weighted alternatives for the written diagnosis (e.g. ２型糖尿病 or 糖尿病). */
  diagnoses: readonly (readonly [VocabularyEntry, number])[];
  department: Department;
  prevalence(age: number, sex: 1 | 2): number;
  /** 生活習慣病管理料 (高血圧・糖尿病・脂質異常症 since 2024), 特定疾患療養管理料 or 悪性腫瘍特異物質治療管理料. */
  management: 'lifestyle' | 'specific' | 'tumorMarker' | 'none';
  regimens: readonly (readonly DrugOrder[])[];
  tests: readonly ScheduledTests[];
  imaging: readonly { study: ImagingStudy; everyMonths: number }[];
  /** Done at every visit (injection, 処置). */
  procedure: { practice: '33' | '40'; procedure: VocabularyEntry; drugs: readonly DrugAmount[] } | null;
  visitsPerMonth: readonly [number, number];
  laterality: 'none' | 'bilateral' | 'side';
  /** The longest gap between visits when stable, in months. */
  maxCadence: 1 | 2 | 3;
}

const v = vocab;
const u = usages;

const basicChemistry = [v.totalProtein, v.albumin, v.ast, v.alt, v.gammaGt, v.bun, v.creatinine, v.uricAcid, v.sodiumChloride, v.potassium, v.glucose];
const lipids = [v.triglycerides, v.hdl, v.ldl, v.ast, v.alt, v.gammaGt];
const diabetesChemistry = [v.glucose, v.ast, v.alt, v.creatinine, v.bun, v.triglycerides, v.hdl, v.ldl];
const renalChemistry = [v.totalProtein, v.albumin, v.bun, v.creatinine, v.uricAcid, v.sodiumChloride, v.potassium];
const spirometry = [v.lungVolume, v.flowVolume];

/** Rises with age: `byDecade[i]` applies from age 10·i on. */
function byAge(byDecade: readonly number[], maleFactor = 1) {
  return (age: number, sex: 1 | 2): number => {
    const rate = byDecade[Math.min(Math.floor(age / 10), byDecade.length - 1)] ?? 0;
    return sex === 1 ? rate * maleFactor : rate;
  };
}

function chronic(definition: Omit<ChronicDefinition, 'imaging' | 'procedure' | 'visitsPerMonth' | 'laterality' | 'maxCadence'> & Partial<ChronicDefinition>): ChronicDefinition {
  return { imaging: [], procedure: null, visitsPerMonth: [1, 1], laterality: 'none', maxCadence: 2, ...definition };
}

/** In priority order: the first one a facility treats is its 主傷病. */
export const chronicConditions: readonly ChronicDefinition[] = [
  chronic({
    key: 'heartFailure',
    diagnoses: [[v.chronicHeartFailure, 3], [v.heartFailure, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0, 0, 0, 0.005, 0.02, 0.05, 0.09]),
    management: 'specific',
    regimens: [
      [daily(v.furosemide, 1, u.afterBreakfast), daily(v.bisoprolol, 1, u.afterBreakfast)],
      [daily(v.furosemide, 1, u.afterBreakfast), daily(v.carvedilol, 2, u.afterBreakfastAndDinner)],
      [daily(v.forxiga, 1, u.afterBreakfast), daily(v.bisoprolol, 1, u.afterBreakfast), daily(v.furosemide, 1, u.afterBreakfast)],
    ],
    tests: [{ items: [v.bnp], everyMonths: 3 }, { items: basicChemistry, everyMonths: 3 }, { items: [v.ecg], everyMonths: 6 }],
    imaging: [{ study: 'xray', everyMonths: 6 }],
    maxCadence: 1,
  }),
  chronic({
    key: 'cerebralInfarctionSequelae',
    diagnoses: [[v.cerebralInfarctionSequelae, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0, 0, 0.003, 0.01, 0.03, 0.05, 0.07], 1.4),
    management: 'specific',
    regimens: [[daily(v.clopidogrel, 1, u.afterBreakfast)], [daily(v.aspirin, 1, u.afterBreakfast), daily(v.lansoprazole, 1, u.afterBreakfast)]],
    tests: [{ items: basicChemistry, everyMonths: 6 }],
  }),
  chronic({
    key: 'hypertension',
    diagnoses: [[v.hypertension, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.01, 0.04, 0.1, 0.22, 0.38, 0.5, 0.6]),
    management: 'lifestyle',
    regimens: [
      [daily(v.amlodipine, 1, u.afterBreakfast)],
      [daily(v.amlodin, 1, u.afterBreakfast)],
      [daily(v.telmisartan, 1, u.afterBreakfast)],
      [daily(v.candesartan, 1, u.afterBreakfast)],
      [daily(v.amlodipine, 1, u.afterBreakfast), daily(v.telmisartan, 1, u.afterBreakfast)],
      [daily(v.amlodipine, 1, u.afterBreakfast), daily(v.candesartan, 1, u.afterBreakfast)],
      [daily(v.amlodin, 1, u.afterBreakfast), daily(v.candesartan, 1, u.afterBreakfast)],
      [daily(v.amlodipine, 1, u.afterBreakfast), daily(v.telmisartan, 1, u.afterBreakfast), daily(v.bisoprolol, 1, u.afterBreakfast)],
    ],
    tests: [{ items: basicChemistry, everyMonths: 3 }, { items: [v.ecg], everyMonths: 12 }],
  }),
  chronic({
    key: 'diabetes',
    diagnoses: [[v.type2Diabetes, 7], [v.diabetes, 3]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.003, 0.01, 0.03, 0.07, 0.12, 0.15, 0.14], 1.5),
    management: 'lifestyle',
    regimens: [
      [daily(v.metformin, 2, u.afterBreakfastAndDinner)],
      [daily(v.metformin, 4, u.afterBreakfastAndDinner, 2), daily(v.januvia, 1, u.afterBreakfast)],
      [daily(v.trazenta, 1, u.afterBreakfast)],
      [daily(v.metformin, 2, u.afterBreakfastAndDinner), daily(v.forxiga, 1, u.afterBreakfast)],
      [daily(v.metformin, 4, u.afterBreakfastAndDinner, 2), daily(v.trazenta, 1, u.afterBreakfast), daily(v.forxiga, 1, u.afterBreakfast)],
    ],
    tests: [{ items: [v.hba1c], everyMonths: 1 }, { items: diabetesChemistry, everyMonths: 3 }, { items: [v.urinalysis], everyMonths: 3 }],
    maxCadence: 1,
  }),
  chronic({
    key: 'dyslipidemia',
    diagnoses: [[v.dyslipidemia, 3], [v.hypercholesterolemia, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.01, 0.03, 0.06, 0.14, 0.22, 0.24, 0.2]),
    management: 'lifestyle',
    regimens: [
      [daily(v.rosuvastatin, 1, u.afterBreakfast)],
      [daily(v.atorvastatin, 1, u.afterBreakfast)],
      [daily(v.rosuvastatin, 1, u.afterBreakfast), daily(v.zetia, 1, u.afterBreakfast)],
    ],
    tests: [{ items: lipids, everyMonths: 3 }],
  }),
  chronic({
    key: 'ckd',
    diagnoses: [[v.ckd, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0, 0.005, 0.01, 0.02, 0.05, 0.09, 0.12]),
    management: 'none',
    regimens: [[daily(v.candesartan, 1, u.afterBreakfast)], [daily(v.telmisartan, 1, u.afterBreakfast), daily(v.febuxostat, 1, u.afterBreakfast)]],
    tests: [{ items: renalChemistry, everyMonths: 2 }, { items: [v.urinalysis, v.urineProtein], everyMonths: 2 }, { items: [v.cbc], everyMonths: 3 }],
  }),
  chronic({
    key: 'atrialFibrillation',
    diagnoses: [[v.atrialFibrillation, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0, 0, 0.003, 0.01, 0.025, 0.04, 0.05], 1.5),
    management: 'specific',
    regimens: [[daily(v.apixaban, 2, u.afterBreakfastAndDinner), daily(v.bisoprolol, 1, u.afterBreakfast)], [daily(v.edoxaban, 1, u.afterBreakfast)]],
    tests: [{ items: [v.ecg], everyMonths: 3 }, { items: [v.cbc], everyMonths: 3 }],
  }),
  chronic({
    key: 'asthma',
    diagnoses: [[v.asthma, 1]],
    department: 'respiratory',
    prevalence: byAge([0.06, 0.05, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]),
    management: 'specific',
    regimens: [
      [external(v.relvar, 1, u.inhaleOnce)],
      [external(v.symbicort, 1, u.inhaleTwice), daily(v.montelukast, 1, u.beforeSleep)],
      [daily(v.montelukast, 1, u.beforeSleep)],
    ],
    tests: [{ items: spirometry, everyMonths: 6 }],
  }),
  chronic({
    key: 'copd',
    diagnoses: [[v.copd, 1]],
    department: 'respiratory',
    prevalence: byAge([0, 0, 0, 0, 0.002, 0.005, 0.015, 0.02, 0.025], 4),
    management: 'specific',
    regimens: [[external(v.spiriva, 1, u.inhaleOnce)], [external(v.ultibro, 28, u.inhaleOnce)], [external(v.trelegy, 1, u.inhaleOnce)]],
    tests: [{ items: spirometry, everyMonths: 6 }],
    imaging: [{ study: 'xray', everyMonths: 12 }],
  }),
  chronic({
    key: 'hyperuricemia',
    diagnoses: [[v.hyperuricemia, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.002, 0.005, 0.008, 0.01, 0.01, 0.008, 0.006], 6),
    management: 'none',
    regimens: [[daily(v.febuxostat, 1, u.afterBreakfast)]],
    tests: [{ items: [v.uricAcid, v.creatinine, v.bun], everyMonths: 3 }],
  }),
  chronic({
    key: 'obesity',
    diagnoses: [[v.obesity, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.01, 0.02, 0.03, 0.03, 0.02, 0.01, 0]),
    management: 'none',
    regimens: [[]],
    tests: [],
  }),
  chronic({
    key: 'gastricUlcer',
    diagnoses: [[v.gastricUlcer, 1]],
    department: 'gastro',
    prevalence: byAge([0, 0, 0.003, 0.008, 0.015, 0.02, 0.025, 0.025, 0.02]),
    management: 'specific',
    regimens: [
      [daily(v.vonoprazan, 1, u.afterBreakfast)],
      [daily(v.lansoprazole, 1, u.afterBreakfast), daily(v.rebamipide, 3, u.afterEachMeal)],
      [daily(v.famotidine, 2, u.afterBreakfastAndDinner)],
    ],
    tests: [{ items: [v.gastroscopy], everyMonths: 12 }],
  }),
  chronic({
    key: 'refluxEsophagitis',
    diagnoses: [[v.refluxEsophagitis, 1]],
    department: 'gastro',
    prevalence: byAge([0, 0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.04, 0.03]),
    management: 'none',
    regimens: [[daily(v.vonoprazan, 1, u.afterBreakfast)], [daily(v.lansoprazole, 1, u.afterBreakfast)]],
    tests: [],
  }),
  chronic({
    key: 'constipation',
    diagnoses: [[v.constipation, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0, 0.01, 0.02, 0.04, 0.08, 0.15, 0.22]),
    management: 'none',
    regimens: [[daily(v.magnesiumOxide, 3, u.afterEachMeal)]],
    tests: [],
  }),
  chronic({
    key: 'insomnia',
    diagnoses: [[v.insomnia, 1]],
    department: 'internal',
    prevalence: byAge([0, 0, 0.01, 0.03, 0.04, 0.06, 0.09, 0.12, 0.15]),
    management: 'none',
    regimens: [[daily(v.lemborexant, 1, u.beforeSleep)]],
    tests: [],
  }),
  chronic({
    key: 'osteoporosis',
    diagnoses: [[v.osteoporosis, 1]],
    department: 'orthopedic',
    prevalence: (age, sex) => (sex === 2 ? byAge([0, 0, 0, 0, 0, 0.05, 0.15, 0.28, 0.35])(age, sex) : byAge([0, 0, 0, 0, 0, 0, 0.02, 0.05, 0.08])(age, sex)),
    management: 'none',
    regimens: [[daily(v.alendronate, 1, u.weeklyOnWaking), daily(v.eldecalcitol, 1, u.afterBreakfast)], [daily(v.eldecalcitol, 1, u.afterBreakfast)]],
    tests: [{ items: [v.boneDensity], everyMonths: 6 }],
  }),
  chronic({
    key: 'kneeOsteoarthritis',
    diagnoses: [[v.kneeOsteoarthritis, 1]],
    department: 'orthopedic',
    prevalence: byAge([0, 0, 0, 0, 0.01, 0.04, 0.1, 0.16, 0.2], 0.6),
    management: 'none',
    regimens: [
      [external(v.loxoninTape, 28, u.poultice)],
      [daily(v.celecoxib, 2, u.afterBreakfastAndDinner), daily(v.rebamipide, 2, u.afterBreakfastAndDinner)],
    ],
    tests: [],
    imaging: [{ study: 'xray', everyMonths: 6 }],
    procedure: { practice: '33', procedure: v.intraArticularInjection, drugs: [{ drug: v.hyaluronateJoint, amount: 1 }] },
    visitsPerMonth: [1, 3],
    laterality: 'side',
    maxCadence: 1,
  }),
  chronic({
    key: 'glaucoma',
    diagnoses: [[v.glaucoma, 1]],
    department: 'eye',
    prevalence: byAge([0, 0, 0, 0.005, 0.02, 0.04, 0.06, 0.08, 0.09]),
    management: 'none',
    regimens: [[external(v.latanoprost, 2.5, u.eyeDropsOnce)], [external(v.latanoprost, 2.5, u.eyeDropsOnce), external(v.timolol, 5, u.eyeDropsTwice)]],
    tests: [{ items: [v.tonometry, v.fundusExam], everyMonths: 1 }, { items: [v.visualAcuity, v.refraction], everyMonths: 3 }],
    laterality: 'bilateral',
  }),
  chronic({
    key: 'cataract',
    diagnoses: [[v.cataract, 1]],
    department: 'eye',
    prevalence: byAge([0, 0, 0, 0, 0.005, 0.03, 0.12, 0.25, 0.3]),
    management: 'none',
    regimens: [[]],
    tests: [{ items: [v.slitLamp, v.visualAcuity], everyMonths: 1 }],
    laterality: 'bilateral',
    maxCadence: 3,
  }),
  chronic({
    key: 'dryEye',
    diagnoses: [[v.dryEye, 1]],
    department: 'eye',
    prevalence: (age, sex) => (sex === 2 ? byAge([0, 0, 0.01, 0.02, 0.03, 0.05, 0.06, 0.06, 0.05])(age, sex) : byAge([0, 0, 0, 0.01, 0.01, 0.02, 0.02, 0.02, 0.02])(age, sex)),
    management: 'none',
    regimens: [[external(v.hyaluronateEyeDrops, 2, u.eyeDropsFourTimes)]],
    tests: [{ items: [v.slitLamp], everyMonths: 3 }],
  }),
];

/** Outpatient follow-up at the hospital after a cancer operation; the diagnosis comes from the stay. */
export const cancerFollowUp: ChronicDefinition = chronic({
  key: 'cancerFollowUp',
  diagnoses: [],
  department: 'hospital',
  prevalence: () => 0,
  management: 'tumorMarker',
  regimens: [[]],
  tests: [{ items: [v.cbc, v.totalProtein, v.albumin, v.ast, v.alt, v.gammaGt, v.bun, v.creatinine], everyMonths: 2 }],
  imaging: [{ study: 'ct', everyMonths: 6 }],
});

/** Conditions a stay leaves behind (脳梗塞 → 脳梗塞後遺症), by key. */
export function chronicDefinition(key: string): ChronicDefinition {
  const definition = chronicConditions.find((condition) => condition.key === key);
  if (!definition) throw new Error(`no chronic condition "${key}"`);
  return definition;
}
