/**
 * Hand-written patients whose claims show what the viewer does, beside the
 * generated population: a diagnosis last claimed months ago (最終記載), one
 * suspected and one cured, two ARBs from two facilities at once (duplicate
 * therapy), a test over many months (the period filter), surgery, a
 * 後期高齢者医療 card without 記号, a child, and a patient of 100 born in 大正
 * with many chronic conditions and a DPC stay. Claims are written as UKE files
 * and ingested like any insurer's.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ingestClaimFiles, loadSections } from '@renkei/claims';
import { findPersonByMember } from '@renkei/identity';
import type { ServerKeys, Stores } from '@renkei/store';
import {
  buRecord,
  cdRecord,
  czRecord,
  encodeCp932,
  goRecord,
  irRecord,
  medicalHoRecord,
  medicalReRecord,
  pharmacyHoRecord,
  pharmacyIyRecord,
  pharmacyReRecord,
  sbRecord,
  shRecord,
  siRecord,
  snRecord,
  syRecord,
  ykRecord,
} from '@renkei/synthetic';

export interface ShowcasePatient {
  name: string;
  kana: string;
  sex: 1 | 2;
  /** YYYY-MM-DD. */
  birthDate: string;
  insurerNumber: string;
  /** '' on most 後期高齢者医療 cards. */
  symbol: string;
  number: string;
}

/** 連携 花子: 79, 後期高齢者医療 with no 記号; hypertension and diabetes at a clinic, the hospital adding a second ARB. */
export const SHOWCASE_ELDER: ShowcasePatient = {
  name: '連携　花子',
  kana: 'ﾚﾝｹｲ ﾊﾅｺ',
  sex: 2,
  birthDate: '1947-07-02',
  insurerNumber: '39370010',
  symbol: '',
  number: '47070201',
};

/** 連携 さくら: 5, 協会けんぽ (a family member); influenza in October, cured: no procedures, nothing continuing. */
export const SHOWCASE_CHILD: ShowcasePatient = {
  name: '連携　さくら',
  kana: 'ﾚﾝｹｲ ｻｸﾗ',
  sex: 2,
  birthDate: '2021-04-10',
  insurerNumber: '01370014',
  symbol: '３７０１',
  number: '2104',
};

/**
 * 連携 ウメ: 100, born in 大正15年, 後期高齢者医療; conditions since 2001 at the clinic, and a
 * pneumonia stay at the hospital billed under DPC, admitted 2026-09-28 and discharged 2026-10-09.
 */
export const SHOWCASE_OLDEST: ShowcasePatient = {
  name: '連携　ウメ',
  kana: 'ﾚﾝｹｲ ｳﾒ',
  sex: 2,
  birthDate: '1926-11-03',
  insurerNumber: '39370010',
  symbol: '',
  number: '26110301',
};

/** The oldest patient's DPC stay, as its two monthly DPC receipts give it (BU): admission, discharge and 診断群分類番号. */
export const SHOWCASE_STAY = { admittedOn: '2026-09-28', dischargedOn: '2026-10-09', dpcCode: '040080x099x0xx' } as const;

const CLINIC = { table: '1', institutionCode: '0112342', name: '医療法人　さぬき内科クリニック', phone: '0878311234', doctor: '讃岐　太郎' };
const HOSPITAL = { table: '1', institutionCode: '0100123', name: '香川中央病院', phone: '0878330123', doctor: '小豆島　誠' };
const CLINIC_PHARMACY = { table: '4', institutionCode: '0151233', name: 'さくら調剤薬局　栗林店', phone: '0878310101' };
const HOSPITAL_PHARMACY = { table: '4', institutionCode: '0153452', name: '中央病院前薬局', phone: '0878340303' };

const code = {
  hypertension: '8833421',
  type2Diabetes: '2500015',
  influenza: '4871001',
  acuteBronchitis: '4660009',
  heartFailure: '4289018',
  suspected: '8002',
  hba1c: '160010010',
  influenzaAntigen: '160169450',
  cataractSurgery: '150253010',
  telmisartan: '622535601',
  candesartan: '622358001',
  chronicHeartFailure: '4289018',
  atrialFibrillation: '4273006',
  ckd: '8844106',
  osteoporosis: '7330006',
  kneeOsteoarthritis: '7153018',
  constipation: '8840042',
  pneumonia: '4860030',
  bnp: '160162350',
  creatinine: '160019210',
  cbc: '160008010',
  crp: '160054710',
  xrayDiagnosis: '170000410',
  dripInfusion: '130003810',
  ceftriaxone: '621488601',
};

type Diagnosis = { code: string; start: string; outcome?: number; modifiers?: string; main?: boolean };
type Act = { code: string; day: number; points: number };
interface MedicalMonth {
  month: string;
  diagnoses: Diagnosis[];
  acts: Act[];
}
interface Dispensing {
  month: string;
  day: number;
  drug: string;
  days: number;
}

const chronic: Diagnosis[] = [
  { code: code.hypertension, start: '20150401', main: true },
  { code: code.type2Diabetes, start: '20180601' },
];

/** The clinic's months: HbA1c most months, influenza cured in February, a bronchitis claimed in April only. */
const CLINIC_MONTHS: MedicalMonth[] = [
  { month: '202601', diagnoses: chronic, acts: [{ code: code.hba1c, day: 23, points: 49 }] },
  { month: '202602', diagnoses: [...chronic, { code: code.influenza, start: '20260205', outcome: 2 }], acts: [{ code: code.influenzaAntigen, day: 5, points: 132 }] },
  { month: '202604', diagnoses: [...chronic, { code: code.acuteBronchitis, start: '20260402' }], acts: [{ code: code.hba1c, day: 2, points: 49 }] },
  { month: '202606', diagnoses: chronic, acts: [{ code: code.hba1c, day: 5, points: 49 }] },
  { month: '202607', diagnoses: chronic, acts: [{ code: code.hba1c, day: 9, points: 49 }] },
  { month: '202608', diagnoses: chronic, acts: [{ code: code.hba1c, day: 6, points: 49 }] },
  { month: '202609', diagnoses: chronic, acts: [{ code: code.hba1c, day: 3, points: 49 }] },
  { month: '202610', diagnoses: chronic, acts: [{ code: code.hba1c, day: 24, points: 49 }] },
];

/** The hospital's months: a suspected heart failure, and cataract surgery in September. */
const HOSPITAL_MONTHS: MedicalMonth[] = [
  { month: '202608', diagnoses: [{ code: code.hypertension, start: '20260804' }, { code: code.heartFailure, start: '20260804', modifiers: code.suspected }], acts: [] },
  { month: '202609', diagnoses: [{ code: code.hypertension, start: '20260804' }], acts: [{ code: code.cataractSurgery, day: 15, points: 12100 }] },
  { month: '202610', diagnoses: [{ code: code.hypertension, start: '20260804' }], acts: [] },
];

/** テルミサルタン from the clinic every month since June; カンデサルタン from the hospital since August: two ARBs at once. */
const CLINIC_DISPENSINGS: Dispensing[] = ['202606', '202607', '202608', '202609', '202610'].map((month) => ({ month, day: 6, drug: code.telmisartan, days: 28 }));
const HOSPITAL_DISPENSINGS: Dispensing[] = ['202608', '202609', '202610'].map((month) => ({ month, day: 12, drug: code.candesartan, days: 28 }));

const nextMonth = (yyyymm: string) => {
  const y = Number(yyyymm.slice(0, 4));
  const m = Number(yyyymm.slice(4));
  return m === 12 ? `${y + 1}01` : `${y}${String(m + 1).padStart(2, '0')}`;
};

/** レセプト種別: 医科 or 調剤, 後期高齢者 (…318, 入院 …317) or a preschool child of a 医療保険 (…114), outpatient unless said. */
function patientFields(p: ShowcasePatient, number: number, table: '1' | '4', month: string, inpatient = false) {
  const elder = p.insurerNumber.startsWith('39');
  return { number, type: `${table}${elder ? (inpatient ? '317' : '318') : '114'}`, month, name: p.name, sex: p.sex, birthDate: p.birthDate.replaceAll('-', ''), benefitRate: elder ? '90' : '', chart: p === SHOWCASE_OLDEST ? '900003' : elder ? '900001' : '900002', kana: p.kana };
}

/** The oldest patient's conditions, each since its own year. */
const OLDEST_CHRONIC: Diagnosis[] = [
  { code: code.hypertension, start: '20010410', main: true },
  { code: code.kneeOsteoarthritis, start: '20080905' },
  { code: code.osteoporosis, start: '20120217' },
  { code: code.atrialFibrillation, start: '20170623' },
  { code: code.chronicHeartFailure, start: '20190311' },
  { code: code.ckd, start: '20201102' },
  { code: code.constipation, start: '20220708' },
];

/** The clinic every month from March, BNP and creatinine; in October after the stay. */
const OLDEST_CLINIC_MONTHS: MedicalMonth[] = ['202603', '202604', '202605', '202606', '202607', '202608', '202609', '202610'].map((month) => ({
  month,
  diagnoses: OLDEST_CHRONIC,
  acts: [
    { code: code.bnp, day: month === '202610' ? 23 : 4, points: 130 },
    { code: code.creatinine, day: month === '202610' ? 23 : 4, points: 11 },
  ],
}));

/**
 * The DPC stay, one RECEIPTD file per month as the hospital bills it: BU with
 * the admission (and in October the discharge), SB with the ICD-10 of the
 * pneumonia and of the heart failure beside it, CD with what was done each day.
 */
function dpcFiles(p: ShowcasePatient): Array<{ name: string; lines: string[] }> {
  const admitted = SHOWCASE_STAY.admittedOn.replaceAll('-', '');
  const discharged = SHOWCASE_STAY.dischargedOn.replaceAll('-', '');
  const months = [
    { month: '202609', days: [28, 29, 30], discharged: '', outcome: '' },
    { month: '202610', days: [1, 2, 3, 4, 5], discharged, outcome: '2' },
  ];
  return months.map(({ month, days, discharged: dischargedOn, outcome }) => {
    const points = 2800 * days.length;
    const on = (day: number) => `${month}${String(day).padStart(2, '0')}`;
    const coding = (date: string, practice: string, sequence: number, detail: number, itemCode: string, amount = '') =>
      cdRecord({ date, practice, sequence, detail, code: itemCode, amount, unitCode: '', times: 1, deviceName: '' });
    const lines = [
      irRecord({ payer: '2', prefecture: '37', table: HOSPITAL.table, institutionCode: HOSPITAL.institutionCode, name: HOSPITAL.name, billing: nextMonth(month), phone: HOSPITAL.phone }),
      medicalReRecord(patientFields(p, 1, '1', month, true), admitted),
      medicalHoRecord({ insurer: p.insurerNumber, symbol: p.symbol, number: p.number, days: days.length, points }),
      snRecord(''),
      buRecord(SHOWCASE_STAY.dpcCode, admitted, dischargedOn, outcome),
      sbRecord(code.pneumonia, '', '', 'J18.9', '01'),
      sbRecord(code.chronicHeartFailure, '', '', 'I50.9', '11'),
      ...(month === '202609' ? [coding(on(28), '70', 1, 1, code.xrayDiagnosis), coding(on(28), '60', 2, 1, code.cbc), coding(on(28), '60', 2, 2, code.crp)] : [coding(on(5), '60', 1, 1, code.crp)]),
      ...days.flatMap((day, i) => [coding(on(day), '33', 10 + i, 1, code.dripInfusion), coding(on(day), '', 10 + i, 2, code.ceftriaxone, '1')]),
      goRecord(1, points),
    ];
    return { name: `RECEIPTD-showcase-${p.number}-${HOSPITAL.institutionCode}-${month}.uke`, lines };
  });
}

const CHILD_MONTHS: MedicalMonth[] = [{ month: '202610', diagnoses: [{ code: code.influenza, start: '20261003', outcome: 2 }], acts: [{ code: code.influenzaAntigen, day: 3, points: 132 }] }];

/** One 医科 file per facility and billing month, each with the patient's receipt of that month. */
function medicalFiles(p: ShowcasePatient, facility: typeof CLINIC, months: MedicalMonth[]): Array<{ name: string; lines: string[] }> {
  return months.map(({ month, diagnoses, acts }) => {
    const points = acts.reduce((sum, a) => sum + a.points, 0);
    const lines = [
      irRecord({ payer: '2', prefecture: '37', table: facility.table, institutionCode: facility.institutionCode, name: facility.name, billing: nextMonth(month), phone: facility.phone }),
      medicalReRecord(patientFields(p, 1, '1', month)),
      medicalHoRecord({ insurer: p.insurerNumber, symbol: p.symbol, number: p.number, days: Math.max(1, acts.length), points }),
      snRecord(''),
      ...diagnoses.map((d) => syRecord({ code: d.code, start: d.start, outcome: d.outcome ?? 1, modifiers: d.modifiers ?? '', name: '', main: d.main ?? false })),
      ...acts.map((a) => siRecord({ practice: a.code.startsWith('15') ? '50' : '60', burden: '', code: a.code, quantity: '', points: String(a.points), times: 1, days: [[a.day, 1]] })),
      goRecord(1, points),
    ];
    return { name: `showcase-${p.number}-${facility.institutionCode}-${month}.uke`, lines };
  });
}

function pharmacyFiles(p: ShowcasePatient, pharmacy: typeof CLINIC_PHARMACY, prescriber: typeof CLINIC, dispensings: Dispensing[]): Array<{ name: string; lines: string[] }> {
  return dispensings.map(({ month, day, drug, days }) => {
    const date = `${month}${String(day).padStart(2, '0')}`;
    const points = 2 * days;
    const lines = [
      ykRecord({ payer: '2', prefecture: '37', table: pharmacy.table, institutionCode: pharmacy.institutionCode, name: pharmacy.name, billing: nextMonth(month), phone: pharmacy.phone }),
      pharmacyReRecord(patientFields(p, 1, '4', month), { prefecture: '37', table: prescriber.table, institutionCode: prescriber.institutionCode, name: prescriber.name, doctor: prescriber.doctor }),
      pharmacyHoRecord({ insurer: p.insurerNumber, symbol: p.symbol, number: p.number, days: 1, points }),
      snRecord(''),
      shRecord({ no: 1, form: '1', usageCode: '006', instruction: '', unitPoints: 2 }),
      czRecord({ issued: date, dispensed: date, reception: 1, quantity: days, drugPoints: points }),
      pharmacyIyRecord('', drug, '1', '1'),
      goRecord(1, points),
    ];
    return { name: `showcase-${p.number}-${pharmacy.institutionCode}-${month}.uke`, lines };
  });
}

/** Writes the showcase patients' claims into `dir` and ingests them; answers the person ids: SHOWCASE_ELDER's, SHOWCASE_CHILD's, SHOWCASE_OLDEST's. */
export async function seedShowcasePatients(stores: Stores, keys: ServerKeys, dir: string): Promise<string[]> {
  const p = SHOWCASE_ELDER;
  const files = [
    ...medicalFiles(p, CLINIC, CLINIC_MONTHS),
    ...medicalFiles(p, HOSPITAL, HOSPITAL_MONTHS),
    ...pharmacyFiles(p, CLINIC_PHARMACY, CLINIC, CLINIC_DISPENSINGS),
    ...pharmacyFiles(p, HOSPITAL_PHARMACY, HOSPITAL, HOSPITAL_DISPENSINGS),
    ...medicalFiles(SHOWCASE_CHILD, CLINIC, CHILD_MONTHS),
    ...medicalFiles(SHOWCASE_OLDEST, CLINIC, OLDEST_CLINIC_MONTHS),
    ...dpcFiles(SHOWCASE_OLDEST),
  ];
  const paths: string[] = [];
  for (const file of files) {
    const target = path.join(dir, file.name);
    await writeFile(target, Buffer.concat([encodeCp932(file.lines.join('\r\n') + '\r\n'), ...(file.lines[0]!.startsWith('IR') ? [Buffer.from([0x1a])] : [])]));
    paths.push(target);
  }
  const results = await ingestClaimFiles(stores, keys, paths, { sections: await loadSections(stores.clinical), actor: 'demo:showcase' });
  const failed = results.find((r) => r.status !== 'ingested' && r.status !== 'unchanged');
  if (failed) throw new Error(`showcase claims not ingested: ${JSON.stringify(failed)}`);
  const ids: string[] = [];
  for (const patient of [SHOWCASE_ELDER, SHOWCASE_CHILD, SHOWCASE_OLDEST]) {
    const match = await findPersonByMember(stores.identity, keys, { insurerNumber: patient.insurerNumber, symbol: patient.symbol, number: patient.number, birthDate: patient.birthDate });
    if (match.status !== 'found') throw new Error('a showcase patient was not registered by the ingest');
    ids.push(match.personId);
  }
  return ids;
}
