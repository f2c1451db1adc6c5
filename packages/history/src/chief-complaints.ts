/**
 * Chief-complaint search (主訴検索): the doctor types what the patient says
 * (胸痛, めまい, 発熱…) and sees the past diagnoses, drugs and tests that bear
 * on it. A maintained table maps each complaint, by its kanji and its reading,
 * to ICD-10 ranges, drug classes (YJ prefixes) and test 区分; any other text
 * is searched in the names of the history's items. Pure.
 */
import type { ComplaintResult } from '@renkei/api';
import type { PersonHistory } from './build-history.js';
import { inIcd10Range } from './disease-groups.js';

export interface ChiefComplaint {
  name: string;
  readings: string[];
  icd10: string[];
  drugClasses: string[];
  /** 区分 of tests and imaging that work the complaint up, or one test's 9-digit code (BNP: 160162350). */
  tests: string[];
}

export const CHIEF_COMPLAINTS: readonly ChiefComplaint[] = [
  { name: '胸痛', readings: ['きょうつう', 'むねのいたみ'], icd10: ['I20-I25', 'I26', 'I30-I52', 'I71', 'K21', 'J93'], drugClasses: ['217'], tests: ['D208', 'D210', 'E200', 'D215'] },
  { name: 'めまい', readings: ['めまい', 'げんうん'], icd10: ['H81-H83', 'R42', 'I60-I69', 'I95', 'D50-D64', 'I47-I49'], drugClasses: ['133', '1339'], tests: ['D250', 'E200', 'E202', 'D208'] },
  { name: '発熱', readings: ['はつねつ', 'ねつ'], icd10: ['A00-B99', 'J00-J22', 'N10', 'N30', 'R50', 'U07'], drugClasses: ['61', '62', '625', '1141'], tests: ['D012', 'D005', 'D015', 'D018', 'E001'] },
  { name: '頭痛', readings: ['ずつう', 'あたまのいたみ'], icd10: ['G43-G44', 'R51', 'I60-I69', 'I10-I15'], drugClasses: ['114', '2160', '2190'], tests: ['E200', 'E202'] },
  { name: '腹痛', readings: ['ふくつう', 'おなかのいたみ'], icd10: ['K20-K93', 'N20-N23', 'R10', 'C15-C26'], drugClasses: ['232', '1242', '2399'], tests: ['D308', 'E001', 'E200', 'D215'] },
  { name: '咳', readings: ['せき', 'がいそう'], icd10: ['J00-J47', 'J84', 'I50', 'K21', 'C34'], drugClasses: ['222', '223', '224', '225', '229'], tests: ['E001', 'D012', 'D200', 'E200'] },
  { name: '息切れ', readings: ['いきぎれ', 'こきゅうこんなん'], icd10: ['J41-J47', 'J84', 'I50', 'I20-I25', 'D50-D64', 'I26-I27'], drugClasses: ['225', '213', '211'], tests: ['D200', 'D208', 'D215', 'E200', '160162350'] },
  { name: '動悸', readings: ['どうき'], icd10: ['I47-I49', 'E05', 'D50-D64', 'F41'], drugClasses: ['212', '2123', '243'], tests: ['D208', 'D210', 'D008'] },
  { name: 'むくみ', readings: ['むくみ', 'ふしゅ', '浮腫'], icd10: ['I50', 'N04', 'N18-N19', 'K70-K77', 'E03', 'I87'], drugClasses: ['213'], tests: ['D007', 'D215', 'D001'] },
  { name: 'しびれ', readings: ['しびれ'], icd10: ['G56-G64', 'E10-E14', 'M47-M48', 'M50-M51', 'I60-I69'], drugClasses: ['3136', '1190', '1149'], tests: ['D239', 'E202'] },
  { name: '腰痛', readings: ['ようつう', 'こしのいたみ'], icd10: ['M45-M54', 'M80-M81', 'S32', 'N20'], drugClasses: ['114', '1149', '3999'], tests: ['E001', 'E202'] },
  { name: '関節痛', readings: ['かんせつつう'], icd10: ['M05-M25', 'M10'], drugClasses: ['114', '1149', '3999', '394'], tests: ['E001', 'D014'] },
  { name: '不眠', readings: ['ふみん', 'ねむれない'], icd10: ['G47', 'F51', 'F30-F39', 'F40-F48'], drugClasses: ['112', '117'], tests: [] },
  { name: '体重減少', readings: ['たいじゅうげんしょう', 'やせ'], icd10: ['C00-C97', 'E05', 'E10-E14', 'F32', 'R63'], drugClasses: ['42'], tests: ['D308', 'D007', 'D008', 'E200'] },
  { name: '発疹', readings: ['ほっしん', 'かゆみ', 'ひふのかゆみ'], icd10: ['L20-L30', 'L50', 'B01-B02'], drugClasses: ['264', '449', '2646'], tests: ['D015'] },
  { name: '血尿', readings: ['けつにょう'], icd10: ['N02', 'N20-N23', 'C64-C68', 'N30'], drugClasses: [], tests: ['D000', 'D002', 'E001'] },
];

/** The table's entry for a query, by name or reading (hiragana or katakana, half- or full-width). */
export function findChiefComplaint(query: string): ChiefComplaint | undefined {
  const q = normalizeQuery(query);
  return CHIEF_COMPLAINTS.find((c) => c.name === q || c.readings.some((r) => normalizeQuery(r) === q));
}

/**
 * What in the history bears on the complaint, each item with why: the rule of
 * the complaint table it meets (an ICD-10 range and its disease group, a drug
 * class, a test) or the name or reading it was found by.
 */
export function searchChiefComplaint(history: PersonHistory, query: string): ComplaintResult {
  const complaint = findChiefComplaint(query);
  const q = normalizeQuery(query);
  const reasons: Record<string, string> = {};
  const byName = (item: { name: string; kana: string | null }) => normalizeQuery(item.name).includes(q) || (item.kana !== null && normalizeQuery(item.kana).includes(q));
  /** Keeps the item if a reason is found, and notes the reason. */
  const keep = (category: string, code: string, reason: string | undefined) => {
    if (reason === undefined) return false;
    reasons[`${category}:${code}`] = reason;
    return true;
  };
  const nameReason = (item: { name: string; kana: string | null }) => (byName(item) ? `名称・読みに「${query.trim()}」` : undefined);
  const table = complaint;
  const diagnosisReason = (icd10: string | null) => {
    const range = table && icd10 ? table.icd10.find((r) => inIcd10Range(icd10, r)) : undefined;
    return range ? `主訴表「${table!.name}」: ICD-10 ${range}${ICD10_GROUPS[range] ? `（${ICD10_GROUPS[range]}）` : ''}` : undefined;
  };
  const drugReason = (yjCode: string | null) => {
    const drugClass = table && yjCode ? table.drugClasses.find((c) => yjCode.startsWith(c)) : undefined;
    return drugClass ? `主訴表「${table!.name}」: 薬効分類 ${drugClass}${DRUG_CLASSES[drugClass] ? `（${DRUG_CLASSES[drugClass]}）` : ''}` : undefined;
  };
  const testReason = (code: string, section: string | null) => {
    const rule = table?.tests.find((t) => t === code || t === section);
    return rule ? `主訴表「${table!.name}」: ${rule === code ? '検査' : '区分'} ${rule}${TEST_SECTIONS[rule] ? `（${TEST_SECTIONS[rule]}）` : ''}` : undefined;
  };
  return {
    complaint: table ? table.name : query,
    known: table !== undefined,
    diagnoses: history.diagnoses.filter((d) => keep('diagnosis', d.code, diagnosisReason(d.icd10) ?? nameReason(d))),
    medications: history.medications.filter((m) => keep('medication', m.code, drugReason(m.yjCode) ?? nameReason(m))),
    tests: history.tests.filter((t) => keep('test', t.code, testReason(t.code, t.section) ?? nameReason(t))),
    reasons,
  };
}

/** The disease group each ICD-10 range of the table stands for, as the result names it. */
const ICD10_GROUPS: Record<string, string> = {
  'I20-I25': '虚血性心疾患', I26: '肺塞栓症', 'I30-I52': 'その他の心疾患', I71: '大動脈瘤・解離', K21: '胃食道逆流症', J93: '気胸',
  'H81-H83': '内耳疾患', R42: 'めまい', 'I60-I69': '脳血管疾患', I95: '低血圧', 'D50-D64': '貧血', 'I47-I49': '不整脈',
  'A00-B99': '感染症', 'J00-J22': '急性呼吸器感染症', N10: '急性腎盂腎炎', N30: '膀胱炎', R50: '発熱', U07: 'COVID-19',
  'G43-G44': '片頭痛・その他の頭痛', R51: '頭痛', 'I10-I15': '高血圧性疾患', 'K20-K93': '消化器の疾患', 'N20-N23': '尿路結石',
  R10: '腹痛', 'C15-C26': '消化器の悪性腫瘍', 'J00-J47': '呼吸器の疾患', J84: '間質性肺疾患', I50: '心不全', C34: '肺の悪性腫瘍',
  'J41-J47': '慢性下気道疾患', 'I26-I27': '肺循環の疾患', E05: '甲状腺機能亢進症', F41: '不安障害', N04: 'ネフローゼ症候群',
  'N18-N19': '腎不全', 'K70-K77': '肝疾患', E03: '甲状腺機能低下症', I87: '静脈の疾患', 'G56-G64': '末梢神経障害', 'E10-E14': '糖尿病',
  'M47-M48': '脊椎症', 'M50-M51': '椎間板障害', 'M45-M54': '脊椎障害・背部痛', 'M80-M81': '骨粗しょう症', S32: '腰椎・骨盤の骨折',
  N20: '腎・尿管結石', 'M05-M25': '関節の疾患', M10: '痛風', G47: '睡眠障害', F51: '非器質性睡眠障害', 'F30-F39': '気分障害',
  'F40-F48': '神経症性障害', 'C00-C97': '悪性腫瘍', F32: 'うつ病', R63: '食欲・体重の症状', 'L20-L30': '皮膚炎・湿疹', L50: 'じんま疹',
  'B01-B02': '水痘・帯状疱疹', N02: '反復性・持続性血尿', 'C64-C68': '腎・尿路の悪性腫瘍',
};

/** 薬効分類 of the table's drug classes. */
const DRUG_CLASSES: Record<string, string> = {
  '217': '血管拡張剤', '133': '鎮暈剤', '1339': 'その他の鎮暈剤', '61': '抗生物質製剤', '62': '化学療法剤', '625': '抗ウイルス剤',
  '1141': 'アニリン系解熱鎮痛剤', '114': '解熱鎮痛消炎剤', '2160': '血管収縮剤', '2190': 'その他の循環器官用薬', '232': '消化性潰瘍用剤',
  '1242': '鎮けい剤', '2399': 'その他の消化器官用薬', '222': '鎮咳剤', '223': '去たん剤', '224': '鎮咳去たん剤', '225': '気管支拡張剤',
  '229': 'その他の呼吸器官用薬', '213': '利尿剤', '211': '強心剤', '212': '不整脈用剤', '2123': 'β-遮断剤', '243': '甲状腺・副甲状腺ホルモン剤',
  '3136': 'ビタミンB12剤', '1190': 'その他の中枢神経系用薬', '1149': 'その他の解熱鎮痛消炎剤', '3999': '他に分類されない代謝性医薬品',
  '394': '痛風治療剤', '112': '催眠鎮静剤・抗不安剤', '117': '精神神経用剤', '42': '腫瘍用薬', '264': '鎮痛・鎮痒・収斂・消炎剤',
  '449': 'その他のアレルギー用薬', '2646': '副腎皮質ホルモン外用剤',
};

/** The table's test 区分 and tests. */
const TEST_SECTIONS: Record<string, string> = {
  D208: '心電図検査', D210: 'ホルター型心電図検査', D215: '超音波検査', E200: 'CT撮影', E202: 'MRI撮影', E001: '写真診断',
  D250: '平衡機能検査', D012: '感染症免疫学的検査', D005: '血液形態・機能検査', D015: '血漿蛋白免疫学的検査', D018: '細菌培養同定検査',
  D308: '胃・十二指腸ファイバースコピー', D200: 'スパイログラフィー等検査', D007: '血液化学検査', D008: '内分泌学的検査',
  D001: '尿中特殊物質定性定量検査', D239: '筋電図検査', D014: '自己抗体検査', D000: '尿中一般物質定性半定量検査', D002: '尿沈渣',
  '160162350': 'BNP',
};

/** Small kana as their full-size letters: masters in half-width kana write ｼﾖｳ for しょう. */
const SMALL_KANA: Record<string, string> = { ぁ: 'あ', ぃ: 'い', ぅ: 'う', ぇ: 'え', ぉ: 'お', っ: 'つ', ゃ: 'や', ゅ: 'ゆ', ょ: 'よ', ゎ: 'わ', ゕ: 'か', ゖ: 'け' };

/** NFKC (full-width letters, half-width kana), katakana to hiragana, small kana full-size, no spaces. */
export function normalizeQuery(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u30a1-\u30f6]/g, (k) => String.fromCharCode(k.charCodeAt(0) - 0x60))
    .replace(/[ぁぃぅぇぉっゃゅょゎゕゖ]/g, (k) => SMALL_KANA[k]!)
    .replace(/\s+/g, '')
    .toLowerCase();
}
