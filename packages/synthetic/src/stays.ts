/**
 * Inpatient stays at the DPC hospitals: what brings people in, for how long,
 * and what is done day by day (the CD コーディングデータ of the DPC receipt).
 * The 14-character DPC codes have the right shape (MDC6 + 分類) but are
 * illustrative, not looked up in a DPC 電子点数表.
 */
import type { ChronicDefinition } from './conditions.js';
import { daily, type DrugOrder, type ImagingStudy } from './orders.js';
import { usages, vocab, type VocabularyEntry } from './vocabulary.js';

/** A drug or device with its 使用量, or a procedure (amount null). */
export interface StayItem {
  entry: VocabularyEntry;
  amount: number | null;
}

/** Something done every day from `from` to `to` (offsets from admission, both included). */
export interface StayCourse {
  from: number;
  /** Negative: counted back from the discharge day (-1 = the day before discharge). */
  to: number;
  practice: string;
  items: readonly StayItem[];
  /** 回数 per day (rehabilitation units). */
  times: readonly [number, number];
}

export interface Surgery {
  procedure: VocabularyEntry;
  anesthesia: readonly VocabularyEntry[];
  anesthesiaDrugs: readonly StayItem[];
  drugs: readonly StayItem[];
  devices: readonly StayItem[];
}

export interface StayDefinition {
  key: string;
  dpcCode: string;
  diagnosis: VocabularyEntry;
  lengthDays: readonly [number, number];
  /** DPC 1日当たり点数 (before the 医療機関別係数). */
  dailyPoints: number;
  admissionTests: readonly VocabularyEntry[];
  admissionImaging: readonly ImagingStudy[];
  /** Offset of the operation day. */
  surgeryDay: number;
  surgery: Surgery | null;
  courses: readonly StayCourse[];
  /** Offsets (from admission) of the follow-up blood tests. */
  followUpDays: readonly number[];
  followUpTests: readonly VocabularyEntry[];
  followUpImaging: readonly { day: number; study: ImagingStudy }[];
  dischargePrescription: readonly DrugOrder[];
  /** A chronic condition the stay leaves behind, treated at the home clinic afterwards. */
  leaves: ChronicDefinition['key'] | null;
}

const v = vocab;
const admissionChemistry = [v.cbc, v.totalProtein, v.albumin, v.ast, v.alt, v.bun, v.creatinine, v.sodiumChloride, v.potassium, v.glucose, v.crp];
const followUpChemistry = [v.cbc, v.crp, v.albumin, v.ast, v.alt, v.bun, v.creatinine, v.sodiumChloride, v.potassium];

const generalAnesthesia = {
  anesthesia: [v.generalAnesthesia, v.anesthesiaManagement],
  anesthesiaDrugs: [
    { entry: v.propofol, amount: 1 },
    { entry: v.fentanyl, amount: 2 },
    { entry: v.rocuronium, amount: 1 },
    { entry: v.sevoflurane, amount: 60 },
    { entry: v.sugammadex, amount: 1 },
    { entry: v.lactatedRinger, amount: 2 },
  ],
};

const postOperative: StayCourse[] = [
  { from: 2, to: 4, practice: '33', items: [{ entry: v.soldem3a, amount: 2 }, { entry: v.famotidineIv, amount: 2 }], times: [1, 1] },
  { from: 2, to: 3, practice: '33', items: [{ entry: v.acetaminophenIv, amount: 2 }], times: [1, 1] },
  { from: 2, to: 3, practice: '33', items: [{ entry: v.cefazolin, amount: 2 }], times: [1, 1] },
];

function cancerSurgery(key: string, dpcCode: string, diagnosis: VocabularyEntry, procedure: VocabularyEntry, lengthDays: [number, number], dailyPoints: number): StayDefinition {
  return {
    key,
    dpcCode,
    diagnosis,
    lengthDays,
    dailyPoints,
    admissionTests: admissionChemistry,
    admissionImaging: ['xray'],
    surgeryDay: 1,
    surgery: {
      procedure,
      ...generalAnesthesia,
      drugs: [{ entry: v.cefazolin, amount: 1 }],
      devices: [
        { entry: v.endotrachealTube, amount: 1 },
        { entry: v.urinaryCatheter, amount: 1 },
        { entry: v.drainTube, amount: 1 },
      ],
    },
    courses: postOperative,
    followUpDays: [2, 4, 7],
    followUpTests: followUpChemistry,
    followUpImaging: [{ day: 2, study: 'xray' }],
    dischargePrescription: [],
    leaves: null,
  };
}

export const cancerStays = {
  gastric: cancerSurgery('gastricCancer', '060020xx04x0xx', v.gastricCancer, v.laparoscopicGastrectomy, [10, 16], 2680),
  colorectal: cancerSurgery('colorectalCancer', '060035xx0100xx', v.colorectalCancer, v.laparoscopicColectomy, [9, 14], 2590),
  lung: cancerSurgery('lungCancer', '040040xx97x0xx', v.lungCancer, v.thoracoscopicLobectomy, [7, 12], 2830),
  breast: cancerSurgery('breastCancer', '090010xx010xxx', v.breastCancer, v.mastectomy, [6, 10], 2470),
};

export const medicalStays = {
  hipFracture: {
    key: 'hipFracture',
    dpcCode: '160800xx01xxxx',
    diagnosis: v.femoralNeckFracture,
    lengthDays: [20, 35],
    dailyPoints: 2380,
    admissionTests: admissionChemistry,
    admissionImaging: ['xray', 'ct'],
    surgeryDay: 1,
    surgery: {
      procedure: v.hemiarthroplasty,
      anesthesia: [v.spinalAnesthesia],
      anesthesiaDrugs: [{ entry: v.bupivacaineSpinal, amount: 1 }, { entry: v.lactatedRinger, amount: 2 }],
      drugs: [{ entry: v.cefazolin, amount: 1 }],
      devices: [
        { entry: v.femoralStem, amount: 1 },
        { entry: v.bipolarCup, amount: 1 },
        { entry: v.urinaryCatheter, amount: 1 },
        { entry: v.drainTube, amount: 1 },
      ],
    },
    courses: [...postOperative, { from: 3, to: -1, practice: '80', items: [{ entry: v.musculoskeletalRehab, amount: null }], times: [2, 3] }],
    followUpDays: [2, 7, 14],
    followUpTests: followUpChemistry,
    followUpImaging: [{ day: 2, study: 'xray' }],
    dischargePrescription: [daily(v.loxoprofen, 3, usages.afterEachMeal), daily(v.rebamipide, 3, usages.afterEachMeal)],
    leaves: null,
  },
  heartFailure: {
    key: 'heartFailure',
    dpcCode: '050130xx9900x0',
    diagnosis: v.chronicHeartFailure,
    lengthDays: [10, 18],
    dailyPoints: 2610,
    admissionTests: [...admissionChemistry, v.bnp],
    admissionImaging: ['xray'],
    surgeryDay: 0,
    surgery: null,
    courses: [
      { from: 0, to: 4, practice: '33', items: [{ entry: v.furosemideIv, amount: 2 }], times: [1, 1] },
      { from: 0, to: 2, practice: '60', items: [{ entry: v.cardiorespiratoryMonitoring, amount: null }], times: [1, 1] },
      { from: 1, to: 1, practice: '60', items: [{ entry: v.echocardiography, amount: null }], times: [1, 1] },
    ],
    followUpDays: [3, 7],
    followUpTests: [...followUpChemistry, v.bnp],
    followUpImaging: [{ day: 7, study: 'xray' }],
    dischargePrescription: [daily(v.furosemide, 1, usages.afterBreakfast), daily(v.bisoprolol, 1, usages.afterBreakfast)],
    leaves: 'heartFailure',
  },
  pneumonia: {
    key: 'pneumonia',
    dpcCode: '040080x099x0xx',
    diagnosis: v.pneumonia,
    lengthDays: [8, 14],
    dailyPoints: 2450,
    admissionTests: [...admissionChemistry, v.bloodCulture],
    admissionImaging: ['xray', 'ct'],
    surgeryDay: 0,
    surgery: null,
    courses: [
      { from: 0, to: 6, practice: '33', items: [{ entry: v.ceftriaxone, amount: 1 }, { entry: v.saline100, amount: 1 }], times: [1, 1] },
      { from: 0, to: 3, practice: '60', items: [{ entry: v.pulseOximetry, amount: null }], times: [1, 1] },
    ],
    followUpDays: [3, 7],
    followUpTests: followUpChemistry,
    followUpImaging: [{ day: 7, study: 'xray' }],
    dischargePrescription: [],
    leaves: null,
  },
  cerebralInfarction: {
    key: 'cerebralInfarction',
    dpcCode: '010060xx99x40x',
    diagnosis: v.cerebralInfarction,
    lengthDays: [14, 28],
    dailyPoints: 2730,
    admissionTests: admissionChemistry,
    admissionImaging: ['mri'],
    surgeryDay: 0,
    surgery: null,
    courses: [
      { from: 0, to: 13, practice: '33', items: [{ entry: v.edaravone, amount: 2 }], times: [1, 1] },
      { from: 0, to: 6, practice: '33', items: [{ entry: v.soldem3a, amount: 1 }], times: [1, 1] },
      { from: 1, to: -1, practice: '80', items: [{ entry: v.cerebrovascularRehab, amount: null }], times: [2, 3] },
    ],
    followUpDays: [3, 7, 14],
    followUpTests: followUpChemistry,
    followUpImaging: [{ day: 7, study: 'mri' }],
    dischargePrescription: [daily(v.clopidogrel, 1, usages.afterBreakfast)],
    leaves: 'cerebralInfarctionSequelae',
  },
} satisfies Record<string, StayDefinition>;

