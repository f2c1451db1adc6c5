import type { ActItem, DiagnosisItem, MedicationItem } from '@renkei/api';
import { readSharedMaster } from '@renkei/masters/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonHistory } from './build-history.js';
import { CHIEF_COMPLAINTS, matchesIcd10Rule, normalizeQuery, searchChiefComplaint } from './chief-complaints.js';
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
    medication({ code: '620006', name: 'ニトロペン舌下錠', yjCode: '2171018K1020', route: 'as-needed' }),
  ],
  procedures: [],
  stays: [],
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
      'medication:620006': '主訴表「胸痛」: 成分 2171018（ニトログリセリン）',
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

/**
 * The complaint table read against the official masters (shared/masters, read
 * where they lie): each class of noise taken out of the table has a term that
 * must not match and one that must, both real entries of the masters.
 */
describe('the complaint table, against the masters', () => {
  type Entry = { code: string; name: string; kana: string | null; icd10: string | null; section: string | null; yjCode: string | null };
  const masters: Record<'b' | 'y' | 's', Entry[]> = { b: [], y: [], s: [] };
  beforeAll(async () => {
    const files = { b: 'b_20240601.txt', y: 'y_ALL20240321.csv', s: 's_ALL20240531.csv' } as const;
    for (const [kind, file] of Object.entries(files) as ['b' | 'y' | 's', string][]) {
      masters[kind] = (await readSharedMaster(file)).map((r) => ({ code: r.code, name: r.name ?? '', kana: r.kana, icd10: r.icd10, section: r.section, yjCode: r.yjCode }));
    }
  }, 60_000);
  const find = (kind: 'b' | 'y' | 's', name: string): Entry => {
    // The 診療行為 master's full names carry the short name in brackets: Ｃ反応性蛋白（ＣＲＰ）.
    const entry = masters[kind].find((e) => e.name === name || e.name.includes(`（${name}）`)) ?? masters[kind].find((e) => e.name.startsWith(name));
    if (!entry) throw new Error(`${name} is not in the ${kind} master`);
    return entry;
  };
  /** Which of the named diagnoses (b), drugs (y) and tests (s) the complaint finds, by the names given. */
  const found = (complaint: string, names: { b?: string[]; y?: string[]; s?: string[] }): string[] => {
    const term = new Map(Object.entries(names).flatMap(([kind, list]) => list.map((n) => [find(kind as 'b' | 'y' | 's', n).code, n] as const)));
    const result = searchChiefComplaint(
      {
        diagnoses: (names.b ?? []).map((n) => find('b', n)).map((e) => diagnosis({ code: e.code, name: e.name, icd10: e.icd10 })),
        medications: (names.y ?? []).map((n) => find('y', n)).map((e) => medication({ code: e.code, name: e.name, yjCode: e.yjCode })),
        procedures: [],
        stays: [],
        tests: (names.s ?? []).map((n) => find('s', n)).map((e) => test({ code: e.code, name: e.name, section: e.section })),
        period: history.period,
      },
      complaint,
    );
    return [...result.diagnoses, ...result.medications, ...result.tests].map((i) => term.get(i.code)!);
  };

  it('names only codes, ingredients and 区分 the masters hold', () => {
    const tests = new Set(masters.s.map((e) => e.code));
    const sections = new Set(masters.s.map((e) => e.section));
    const drugs = masters.y.map((e) => e.yjCode ?? '');
    for (const c of CHIEF_COMPLAINTS) {
      for (const t of c.tests) expect(/^\d{9}$/.test(t) ? tests.has(t) : sections.has(t), `${c.name}: ${t}`).toBe(true);
      for (const d of [...c.drugClasses, ...(c.notDrugs ?? [])]) expect(drugs.some((yj) => yj.startsWith(d)), `${c.name}: ${d}`).toBe(true);
      for (const r of [...c.icd10, ...(c.notIcd10 ?? [])]) expect(masters.b.some((e) => e.icd10 && matchesIcd10Rule(e.icd10, r)), `${c.name}: ${r}`).toBe(true);
    }
  });

  it('finds the nitrates for 胸痛, not the calcium blockers that share 217', () => {
    expect(found('胸痛', { y: ['ニトロペン舌下錠', 'フランドルテープ', 'シグマート錠', 'アムロジン錠', 'ノルバスク錠', 'ペルサンチン錠'] })).toEqual([
      'ニトロペン舌下錠', 'フランドルテープ', 'シグマート錠',
    ]);
  });

  it('finds only the drugs of a catch-all class that bear on the complaint (2190, 1190, 3999)', () => {
    expect(found('頭痛', { y: ['ミグシス錠', 'カルタン錠', 'ケイキサレート散'] })).toEqual(['ミグシス錠']);
    expect(found('しびれ', { y: ['リリカカプセル', 'アリセプト錠', 'メマリー錠'] })).toEqual(['リリカカプセル']);
    expect(found('不眠', { y: ['ベルソムラ錠', 'アリセプト錠'] })).toEqual(['ベルソムラ錠']);
    expect(found('腰痛', { y: ['ボナロン錠', 'プログラフカプセル', 'ネスプ注射液'] })).toEqual(['ボナロン錠']);
    expect(found('関節痛', { y: ['リウマトレックスカプセル', 'アルツディスポ関節注', 'ネスプ注射液', 'カモスタットメシル酸塩'] })).toEqual([
      'リウマトレックスカプセル', 'アルツディスポ関節注',
    ]);
  });

  it('leaves out what a mixed class holds for something else: テリパラチド for 動悸, NSAID patches for 発疹, mouth preparations for 腹痛', () => {
    expect(found('動悸', { y: ['チラーヂンＳ錠', 'メルカゾール錠', 'フォルテオ皮下注キット'] })).toEqual(['チラーヂンＳ錠', 'メルカゾール錠']);
    expect(found('発疹', { y: ['リンデロン－ＶＧ軟膏', 'オイラックスクリーム', 'ロキソニンパップ', 'ケトプロフェンテープ'] })).toEqual([
      'リンデロン－ＶＧ軟膏', 'オイラックスクリーム',
    ]);
    expect(found('腹痛', { y: ['ガスモチン錠', 'ＳＰトローチ', 'サラジェン錠', 'アズノールＳＴ錠口腔用'] })).toEqual(['ガスモチン錠']);
  });

  it('finds the drugs of an acute infection for 発熱, not those for chronic hepatitis, nails or skin', () => {
    expect(found('発熱', { y: ['タミフルカプセル', 'クラビット錠', 'カロナール錠', 'バラクルード錠', 'クレナフィン爪外用液', 'ラミシール錠', 'ゾビラックスクリーム'] })).toEqual([
      'タミフルカプセル', 'クラビット錠', 'カロナール錠',
    ]);
  });

  it('finds the tests that work a complaint up, not every test of their 区分', () => {
    expect(found('発熱', { s: ['末梢血液一般検査', 'ＣＲＰ', 'インフルエンザウイルス抗原定性', 'ＨｂＡ１ｃ', '梅毒血清反応（ＳＴＳ）定性', 'ＩｇＧ'] })).toEqual(['末梢血液一般検査', 'ＣＲＰ', 'インフルエンザウイルス抗原定性']);
    expect(found('むくみ', { s: ['アルブミン（ＢＣＰ改良法・ＢＣＧ法）', 'ＡＳＴ', 'ＶＭＡ定性（尿）', '尿蛋白'] })).toEqual(['アルブミン（ＢＣＰ改良法・ＢＣＧ法）', '尿蛋白']);
    expect(found('胸痛', { s: ['超音波検査（心臓超音波検査）（経胸壁心エコー法）', '心筋トロポニンＩ', '超音波検査（断層撮影法（心臓超音波検査を除く。））（その他の場合）（胸腹部）', 'ＣＫ'] })).toEqual([
      '超音波検査（心臓超音波検査）（経胸壁心エコー法）', '心筋トロポニンＩ',
    ]);
    expect(found('咳', { s: ['単純撮影（頭部、胸部、腹部又は脊椎）の写真診断', '単純撮影（その他の部位）の写真診断'] })).toEqual(['単純撮影（頭部、胸部、腹部又は脊椎）の写真診断']);
    expect(found('体重減少', { s: ['ＴＳＨ', 'クレアチニン', 'ＣＡ１９－９'] })).toEqual(['ＴＳＨ', 'ＣＡ１９－９']);
  });

  it('leaves out the chronic or local conditions within a chapter of ICD-10', () => {
    expect(found('発熱', { b: ['インフルエンザ', '帯状疱疹', '足白癬', '尋常性疣贅'] })).toEqual(['インフルエンザ', '帯状疱疹']);
    expect(found('咳', { b: ['急性気管支炎', '慢性副鼻腔炎', 'アレルギー性鼻炎'] })).toEqual(['急性気管支炎', '慢性副鼻腔炎']);
    expect(found('腹痛', { b: ['逆流性食道炎', '急性虫垂炎', '便秘症', '痔核', '脂肪肝'] })).toEqual(['逆流性食道炎', '急性虫垂炎', '便秘症']);
    expect(found('むくみ', { b: ['脂肪肝'] })).toEqual([]);
    expect(found('腰痛', { b: ['腰部脊柱管狭窄症', '腰椎椎間板ヘルニア', '腰痛症', '頚椎症', '頚肩腕症候群', '頚椎椎間板ヘルニア', '頚部痛'] })).toEqual([
      '腰部脊柱管狭窄症', '腰椎椎間板ヘルニア', '腰痛症',
    ]);
    expect(found('しびれ', { b: ['頚椎症'] })).toEqual(['頚椎症']);
  });

  it('says why, naming the ingredient or the test', () => {
    const e = find('y', 'ニトロペン舌下錠');
    const result = searchChiefComplaint({ ...history, diagnoses: [], tests: [test({ code: '160171750', name: '心筋トロポニンＩ', section: 'D007' })], medications: [medication({ code: e.code, name: e.name, yjCode: e.yjCode })] }, '胸痛');
    expect(result.reasons).toEqual({ [`medication:${e.code}`]: '主訴表「胸痛」: 成分 2171018（ニトログリセリン）', 'test:160171750': '主訴表「胸痛」: 検査 心筋トロポニンＩ' });
  });
});
