import type { ActItem, DiagnosisItem, MedicationItem } from '@renkei/api';
import { describe, expect, it } from 'vitest';
import type { PersonHistory } from './build-history.js';
import { normalizeQuery, searchChiefComplaint } from './chief-complaints.js';
import { COVID_RISK_GROUPS } from './covid-risk-groups.js';
import { inIcd10Range, matchDiseaseGroups } from './disease-groups.js';

const facility = { code: '3710100123', name: '香川中央病院' };
const diagnosis = (d: Partial<DiagnosisItem> & Pick<DiagnosisItem, 'code' | 'name'>): DiagnosisItem => ({
  kana: null, known: true, icd10: null, modifiers: [], startDate: '2025-01-01', outcome: 'continuing', suspected: false, main: false,
  firstMonth: '2025-01', lastMonth: '2025-06', facilities: [facility], status: 'active', ...d,
});
const medication = (m: Partial<MedicationItem> & Pick<MedicationItem, 'code' | 'name'>): MedicationItem => ({
  kana: null, known: true, yjCode: null, unit: '錠', dates: [], months: ['2025-06'], route: 'oral', usage: null, quantity: 1, days: 28, prescribers: [facility], dispensers: [facility], dispensings: [], current: true, ...m,
});
const test = (a: Partial<ActItem> & Pick<ActItem, 'code' | 'name'>): ActItem => ({ kana: null, known: true, section: null, dates: ['2025-06-03'], months: ['2025-06'], facilities: [facility], materials: [], ...a });

const history: PersonHistory = {
  diagnoses: [
    diagnosis({ code: '8833421', name: '高血圧症', kana: 'ｺｳｹﾂｱﾂｼｮｳ', icd10: 'I10' }),
    diagnosis({ code: '2500015', name: '２型糖尿病', icd10: 'E11', firstMonth: '2025-06', lastMonth: '2025-06' }),
    diagnosis({ code: '8844446', name: '脂質異常症', icd10: 'E785', firstMonth: '2025-06', lastMonth: '2025-06' }),
    diagnosis({ code: '4139003', name: '狭心症', icd10: 'I209', suspected: true, status: 'suspected' }),
    diagnosis({ code: '4860001', name: '肺炎', icd10: 'J189', outcome: 'cured', status: 'ended' }),
    diagnosis({ code: '8838708', name: '脳梗塞', icd10: 'I639' }),
  ],
  medications: [
    medication({ code: '620004', name: 'メトホルミン塩酸塩錠', yjCode: '3962002F1010' }),
    medication({ code: '620005', name: 'プレドニゾロン軟膏', yjCode: '2456700M1020', route: 'topical' }),
    medication({ code: '620006', name: 'ニトロペン舌下錠', yjCode: '2171010F1025', route: 'as-needed' }),
  ],
  procedures: [],
  tests: [test({ code: '160068410', name: '心電図検査（四肢単極誘導及び胸部誘導を含む最低１２誘導）', section: 'D208' }), test({ code: '160000310', name: '尿一般', section: 'D000' })],
  period: { from: '2025-01', to: '2025-06', latestDate: '2025-06-03' },
};

describe('disease groups', () => {
  const groups = matchDiseaseGroups(history, { age: 72, sex: 'male' }, COVID_RISK_GROUPS);
  const ids = groups.map((g) => g.id);

  it('flag the COVID-19 risk factors the claims show, with the receipts that show them', () => {
    expect(ids).toEqual(expect.arrayContaining(['covid-age-65', 'covid-male', 'covid-hypertension', 'covid-diabetes', 'covid-cerebrovascular']));
    const diabetes = groups.find((g) => g.id === 'covid-diabetes')!;
    expect(diabetes.evidence.map((e) => e.category).sort()).toEqual(['diagnosis', 'medication']);
    expect(diabetes.evidence[0]!.facilities).toEqual([facility]);
  });

  it('leave out suspected and cured diagnoses, one-month diagnoses nothing backs, and topical steroids', () => {
    expect(ids).not.toContain('covid-cardiovascular'); // 狭心症 is only suspected
    expect(ids).not.toContain('covid-respiratory'); // 肺炎 is cured, and not chronic anyway
    expect(ids).not.toContain('covid-dyslipidemia'); // one month, no drug
    expect(ids).not.toContain('covid-immunosuppression'); // プレドニゾロン軟膏 is topical
    expect(matchDiseaseGroups(history, { age: 40, sex: 'female' }, COVID_RISK_GROUPS).map((g) => g.id)).not.toContain('covid-age-65');
  });

  it('read ICD-10 ranges as prefixes', () => {
    expect(inIcd10Range('C169', 'C00-C97')).toBe(true);
    expect(inIcd10Range('C979', 'C00-C97')).toBe(true);
    expect(inIcd10Range('D10', 'C00-C97')).toBe(false);
    expect(inIcd10Range('Z992', 'Z992')).toBe(true);
    expect(inIcd10Range('Z99.1', 'Z992')).toBe(false);
    expect(inIcd10Range('E785', 'E78')).toBe(true);
  });
});

describe('chief-complaint search', () => {
  it('finds what bears on 胸痛 through the table: diagnoses, drugs and tests, even a suspected one', () => {
    const result = searchChiefComplaint(history, '胸痛');
    expect(result.known).toBe(true);
    expect(result.diagnoses.map((d) => d.name)).toEqual(['狭心症']);
    expect(result.medications.map((m) => m.name)).toEqual(['ニトロペン舌下錠']);
    expect(result.tests.map((t) => t.section)).toEqual(['D208']);
  });

  it('says why each item bears on the complaint, and leaves out what the complaint has nothing to do with (レバミピド and every 血液化学検査 for 胸痛)', () => {
    const noisy: PersonHistory = {
      ...history,
      medications: [...history.medications, medication({ code: '620007', name: 'レバミピド錠１００ｍｇ', yjCode: '2329021F1013' })],
      tests: [...history.tests, test({ code: '160019210', name: 'クレアチニン', section: 'D007' })],
    };
    const result = searchChiefComplaint(noisy, '胸痛');
    expect(result.medications.map((m) => m.name)).toEqual(['ニトロペン舌下錠']);
    expect(result.tests.map((t) => t.section)).toEqual(['D208']);
    expect(result.reasons).toEqual({
      'diagnosis:4139003': '主訴表「胸痛」: ICD-10 I20-I25（虚血性心疾患）',
      'medication:620006': '主訴表「胸痛」: 薬効分類 217（血管拡張剤）',
      'test:160068410': '主訴表「胸痛」: 区分 D208（心電図検査）',
    });
    expect(searchChiefComplaint(noisy, '糖尿').reasons).toEqual({ 'diagnosis:2500015': '名称・読みに「糖尿」' });
  });

  it('knows a complaint by its reading in hiragana, katakana or half-width kana', () => {
    for (const q of ['きょうつう', 'キョウツウ', 'ｷｮｳﾂｳ']) expect(searchChiefComplaint(history, q).complaint).toBe('胸痛');
    expect(searchChiefComplaint(history, 'めまい').diagnoses.map((d) => d.name)).toEqual(['脳梗塞']);
  });

  it('searches names in kanji and kana for anything else', () => {
    expect(searchChiefComplaint(history, '糖尿').diagnoses.map((d) => d.name)).toEqual(['２型糖尿病']);
    expect(searchChiefComplaint(history, 'こうけつあつ')).toMatchObject({ known: false, diagnoses: [{ name: '高血圧症' }] });
    expect(searchChiefComplaint(history, '骨折')).toMatchObject({ known: false, diagnoses: [], medications: [], tests: [] });
    expect(normalizeQuery(' ｺｳｹﾂ ｱﾂ ')).toBe('こうけつあつ');
  });

  it('finds a diagnosis by part of its kana reading, whichever way the master writes its small kana', () => {
    const withKana: PersonHistory = {
      ...history,
      diagnoses: [diagnosis({ code: '8833421', name: '高血圧症', kana: 'コウケツアツショウ' }), diagnosis({ code: '2500015', name: '２型糖尿病', kana: 'ﾆｶﾞﾀﾄｳﾆﾖｳﾋﾞﾖｳ' })],
    };
    expect(searchChiefComplaint(withKana, 'こうけつあつ').diagnoses.map((d) => d.name)).toEqual(['高血圧症']);
    expect(searchChiefComplaint(withKana, 'とうにょう').diagnoses.map((d) => d.name)).toEqual(['２型糖尿病']);
    expect(searchChiefComplaint(withKana, 'トウニョウ').diagnoses.map((d) => d.name)).toEqual(['２型糖尿病']);
    expect(searchChiefComplaint(withKana, '糖尿').diagnoses.map((d) => d.name)).toEqual(['２型糖尿病']);
  });
});
