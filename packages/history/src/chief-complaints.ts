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
  /** ICD-10 ranges (I20-I25, K760), or patterns of five characters where ? is any character (M4??2: a cervical site). */
  icd10: string[];
  /** Left out although within `icd10`: what the range holds that does not bear on the complaint. */
  notIcd10?: string[];
  /** Prefixes of the YJ code: 4 digits a 薬効分類, 7 an ingredient in one form (2171018: ニトログリセリン舌下錠). */
  drugClasses: string[];
  /** YJ prefixes left out although within `drugClasses`. */
  notDrugs?: string[];
  /** 区分 of tests and imaging that work the complaint up, or one test's 9-digit code (BNP: 160162350). */
  tests: string[];
}

/*
 * Each rule was read against the masters (shared/masters: 傷病名 b, 医薬品 y,
 * 診療行為 s). A whole 薬効分類 or 区分 stays only when nearly all it holds bears
 * on the complaint; otherwise the rule names ingredients or tests:
 * - 217 holds the calcium blockers (アムロジピン …) besides the nitrates, so
 *   胸痛 names the nitrates and ニコランジル;
 * - 2190, 1190 and 3999 are catch-alls (吸着剤, 認知症薬, 免疫抑制剤, ESA …):
 *   only the migraine, neuropathic-pain, sleep, osteoporosis and rheumatoid
 *   arthritis drugs among them are named;
 * - 243 holds テリパラチド (osteoporosis) beside the thyroid drugs; 264 the
 *   NSAID patches beside the antipruritic and steroid ointments;
 * - D005, D007, D008, D012, D015, D001 and D215 hold tests run for everything
 *   (HbA1c, chemistry panels, 術前の感染症検査, every echo), so the tests are named;
 *   E001 is narrowed to 単純撮影（イ）(頭部・胸部・腹部・脊椎) where the limbs do not bear;
 * - ICD-10 chapters are cut where they hold chronic or local conditions: 白癬,
 *   疣贅, 慢性肝炎 out of 発熱; アレルギー性鼻炎 out of 咳; 痔核 and 脂肪肝 out of
 *   腹痛; cervical sites (the fifth character 1–3) and M50 out of 腰痛.
 */

/** Nitrates and ニコランジル, in every form (2171 also holds the calcium blockers). */
const NITRATES = ['2171011', '2171013', '2171016', '2171017', '2171018', '2171023', '2171403', '2171404', '2171406', '2171700', '2171701', '2179700'];
/** Cardiac echo (D215-3), not every echo. */
const CARDIAC_ECHO = ['160072510', '160072610', '160160410', '160198810'];
/** 単純撮影（イ）の写真診断: 頭部, 胸部, 腹部, 脊椎 (ロ is the limbs). */
const PLAIN_FILM_TRUNK = ['170000410', '170021550', '170022730', '170023750', '170001250'];
/** Tests for an acute infection: blood count, CRP, SAA, PCT, rapid antigens and nucleic acids of the common pathogens, β-D-グルカン. */
const ACUTE_INFECTION = [
  '160008010', '160008210', '160191510', '160054710', '160054610', '160160250', '160177550', '160192810',
  '160169450', '160198010', '160229850', '160229950', '160230050', '160234850', '160229450', '160229550', '160229650', '160229750', '160234550', '160234650', '160235250',
  '160044110', '160153150', '160202050', '160104250', '160177150', '160117610', '160148810', '160160150',
];
const RESPIRATORY_PATHOGENS = ['160169450', '160198010', '160229850', '160229950', '160230050', '160229450', '160229550', '160229650', '160229750', '160153150', '160202050', '160226350', '160209450', '160152450', '160104250', '160177150', '160177450'];
const NATRIURETIC_PEPTIDES = ['160162350', '160181250'];
const THYROID_TESTS = ['160031710', '160033310', '160033210'];
const THYROID_DRUGS = ['2431', '2432'];
const D_DIMER = ['160114010', '160113810', '160192110'];
/** Antivirals for chronic hepatitis B and C, topical antivirals and antifungals, and the nail antifungals: no bearing on a fever. */
const NOT_FOR_FEVER = ['6250020', '6250022', '6250029', '6250045', '6250107', '6250113', '6250116', '6250700', '6250701', '6290005', '6290007', '6290701', '6290702', '6290703', '6119700', '6113700'];
const OSTEOPOROSIS_DRUGS = ['3999010', '3999018', '3999019', '3999021', '3999026', '3999027', '3999040', '3999401', '3999419', '3999435', '3999438', '3999449', '2439400', '2439401'];
const RHEUMATOID_DRUGS = ['3999016', '3999020', '3999031', '3999034', '3999043', '3999424', '3999426', '3999429', '3999433', '3999437'];
const HYALURONATE_JOINT = ['3999408', '3999428'];
const NEUROPATHIC_PAIN_DRUGS = ['1190017', '1190026'];
/** Cervical sites: the fifth character of M40–M54 codes (1 後頭・環椎・軸椎, 2 頚部, 3 頚胸部). */
const CERVICAL_SITES = ['M4??1', 'M4??2', 'M4??3', 'M5??2', 'M5??3'];

export const CHIEF_COMPLAINTS: readonly ChiefComplaint[] = [
  { name: '胸痛', readings: ['きょうつう', 'むねのいたみ'], icd10: ['I20-I25', 'I26', 'I30-I52', 'I71', 'K21', 'J93'], drugClasses: NITRATES,
    tests: ['D208', 'D210', 'E200', ...CARDIAC_ECHO, '160171750', '160152850', '160114710', '160168150', '160192710', ...D_DIMER] },
  { name: 'めまい', readings: ['めまい', 'げんうん'], icd10: ['H81-H83', 'R42', 'I60-I69', 'I95', 'D50-D64', 'I47-I49'], drugClasses: ['133'], tests: ['D250', 'E200', 'E202', 'D208'] },
  { name: '発熱', readings: ['はつねつ', 'ねつ'], icd10: ['A00-B99', 'J00-J22', 'N10', 'N30', 'R50', 'U07'], notIcd10: ['A63', 'B07', 'B18', 'B35-B36', 'B85-B89', 'B90-B94'],
    drugClasses: ['61', '622', '624', '625', '629', '1141'], notDrugs: NOT_FOR_FEVER, tests: [...ACUTE_INFECTION, 'D018', ...PLAIN_FILM_TRUNK] },
  { name: '頭痛', readings: ['ずつう', 'あたまのいたみ'], icd10: ['G43-G44', 'R51', 'I60-I69', 'I10-I15'], drugClasses: ['114', '2160', '2190023', '1190030', '1190404', '1190406', '1190407'], tests: ['E200', 'E202'] },
  { name: '腹痛', readings: ['ふくつう', 'おなかのいたみ'], icd10: ['K20-K93', 'N20-N23', 'R10', 'C15-C26'], notIcd10: ['K60-K64', 'K760'],
    drugClasses: ['232', '1242', '2399'], notDrugs: ['2399012', '2399013', '2399700', '2399702', '2399706', '2399707', '2399708', '2399709', '2399710', '2399712', '2399713', '2399800', '2399801', '2399975'],
    tests: ['D308', 'E200', '160072210', '160218310', ...PLAIN_FILM_TRUNK] },
  { name: '咳', readings: ['せき', 'がいそう'], icd10: ['J00-J47', 'J84', 'I50', 'K21', 'C34'], notIcd10: ['J30-J31', 'J33-J39'], drugClasses: ['222', '223', '224', '225', '229', '2144'],
    tests: ['D200', 'E200', ...PLAIN_FILM_TRUNK, ...RESPIRATORY_PATHOGENS] },
  { name: '息切れ', readings: ['いきぎれ', 'こきゅうこんなん'], icd10: ['J41-J47', 'J84', 'I50', 'I20-I25', 'D50-D64', 'I26-I27'], drugClasses: ['225', '213', '211'],
    tests: ['D200', 'D208', 'E200', ...CARDIAC_ECHO, ...NATRIURETIC_PEPTIDES, ...D_DIMER, ...PLAIN_FILM_TRUNK] },
  { name: '動悸', readings: ['どうき'], icd10: ['I47-I49', 'E05', 'D50-D64', 'F41'], drugClasses: ['212', ...THYROID_DRUGS], tests: ['D208', 'D210', ...CARDIAC_ECHO, ...THYROID_TESTS, '160008010'] },
  { name: 'むくみ', readings: ['むくみ', 'ふしゅ', '浮腫'], icd10: ['I50', 'N04', 'N18-N19', 'K70', 'K72', 'K74', 'K766', 'E03', 'I87'], drugClasses: ['213'],
    tests: ['160018910', '160017410', '160019210', '160019010', '160000410', '160004810', '160176350', ...NATRIURETIC_PEPTIDES, ...CARDIAC_ECHO, '160213010', '160031710'] },
  { name: 'しびれ', readings: ['しびれ'], icd10: ['G56-G64', 'E10-E14', 'M47-M48', 'M50-M51', 'I60-I69'], drugClasses: ['3136', ...NEUROPATHIC_PAIN_DRUGS, '1149023', '1149601', '3999013'], tests: ['D239', 'E202'] },
  { name: '腰痛', readings: ['ようつう', 'こしのいたみ'], icd10: ['M45-M54', 'M80-M81', 'S32', 'N20'], notIcd10: ['M50', ...CERVICAL_SITES],
    drugClasses: ['114', ...OSTEOPOROSIS_DRUGS, ...NEUROPATHIC_PAIN_DRUGS], tests: ['E202', ...PLAIN_FILM_TRUNK] },
  { name: '関節痛', readings: ['かんせつつう'], icd10: ['M05-M25'], drugClasses: ['114', '394', ...RHEUMATOID_DRUGS, ...HYALURONATE_JOINT], tests: ['E001', 'D014', '160054710', '160019310'] },
  { name: '不眠', readings: ['ふみん', 'ねむれない'], icd10: ['G47', 'F51', 'F30-F39', 'F40-F48'], drugClasses: ['112', '117', '1190016', '1190023', '1190027', '1190028'], tests: [] },
  { name: '体重減少', readings: ['たいじゅうげんしょう', 'やせ'], icd10: ['C00-C97', 'E05', 'E10-E14', 'F32', 'R63'], drugClasses: ['42'], tests: ['D308', 'D009', 'E200', ...THYROID_TESTS, '160010010', '160008010'] },
  { name: '発疹', readings: ['ほっしん', 'かゆみ', 'ひふのかゆみ'], icd10: ['L20-L30', 'L50', 'B01-B02'], drugClasses: ['2642', '2646', '2647', '2649722', '2649800', '441', '449'], tests: ['160056110', '160118810', '160197910', '160184350'] },
  { name: '血尿', readings: ['けつにょう'], icd10: ['N02', 'N20-N23', 'C64-C68', 'N30'], drugClasses: [], tests: ['D000', 'D002', '160072210', ...PLAIN_FILM_TRUNK] },
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
    if (!table || !icd10 || table.notIcd10?.some((r) => matchesIcd10Rule(icd10, r))) return undefined;
    const range = table.icd10.find((r) => matchesIcd10Rule(icd10, r));
    return range ? `主訴表「${table.name}」: ICD-10 ${range}${ICD10_GROUPS[range] ? `（${ICD10_GROUPS[range]}）` : ''}` : undefined;
  };
  const drugReason = (yjCode: string | null) => {
    if (!table || !yjCode || table.notDrugs?.some((c) => yjCode.startsWith(c))) return undefined;
    const drugClass = table.drugClasses.find((c) => yjCode.startsWith(c));
    if (drugClass === undefined) return undefined;
    const label = DRUG_CLASSES[drugClass];
    return `主訴表「${table.name}」: ${drugClass.length > 4 ? '成分' : '薬効分類'} ${drugClass}${label ? `（${label}）` : ''}`;
  };
  const testReason = (test: { code: string; section: string | null; name: string }) => {
    const rule = table?.tests.find((t) => t === test.code || t === test.section);
    if (rule === undefined) return undefined;
    return rule === test.code
      ? `主訴表「${table!.name}」: 検査 ${TEST_SECTIONS[rule] ?? test.name}`
      : `主訴表「${table!.name}」: 区分 ${rule}${TEST_SECTIONS[rule] ? `（${TEST_SECTIONS[rule]}）` : ''}`;
  };
  return {
    complaint: table ? table.name : query,
    known: table !== undefined,
    diagnoses: history.diagnoses.filter((d) => keep('diagnosis', d.code, diagnosisReason(d.icd10) ?? nameReason(d))),
    medications: history.medications.filter((m) => keep('medication', m.code, drugReason(m.yjCode) ?? nameReason(m))),
    tests: history.tests.filter((t) => keep('test', t.code, testReason(t) ?? nameReason(t))),
    reasons,
  };
}

/** An ICD-10 range of the table, or a pattern of as many characters as the code where ? is any character. */
export function matchesIcd10Rule(icd10: string, rule: string): boolean {
  if (!rule.includes('?')) return inIcd10Range(icd10, rule);
  const code = icd10.replace('.', '').toUpperCase();
  return code.length === rule.length && [...rule].every((c, i) => c === '?' || c === code[i]);
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

/** 薬効分類 (4 digits or fewer) and ingredients (7) of the table, as the result names them. */
const DRUG_CLASSES: Record<string, string> = {
  '2171011': '硝酸イソソルビド', '2171013': 'ニトログリセリン', '2171016': '硝酸イソソルビド', '2171017': 'ニコランジル', '2171018': 'ニトログリセリン',
  '2171023': '一硝酸イソソルビド', '2171403': 'ニトログリセリン', '2171404': '硝酸イソソルビド', '2171406': 'ニコランジル', '2171700': '硝酸イソソルビド',
  '2171701': 'ニトログリセリン', '2179700': '亜硝酸アミル',
  '133': '鎮暈剤', '61': '抗生物質製剤', '622': '抗結核剤', '624': '合成抗菌剤', '625': '抗ウイルス剤', '629': 'その他の化学療法剤',
  '1141': 'アニリン系解熱鎮痛剤', '114': '解熱鎮痛消炎剤', '2160': '血管収縮剤（トリプタン）', '2190023': 'ロメリジン（片頭痛予防）',
  '1190030': 'ラスミジタン（片頭痛）', '1190404': 'ガルカネズマブ（片頭痛予防）', '1190406': 'エレヌマブ（片頭痛予防）', '1190407': 'フレマネズマブ（片頭痛予防）',
  '232': '消化性潰瘍用剤', '1242': '鎮けい剤', '2399': 'その他の消化器官用薬', '222': '鎮咳剤', '223': '去たん剤', '224': '鎮咳去たん剤',
  '225': '気管支拡張剤', '229': 'その他の呼吸器官用薬', '2144': 'ACE阻害剤（空咳）', '213': '利尿剤', '211': '強心剤', '212': '不整脈用剤',
  '2431': '甲状腺ホルモン剤', '2432': '抗甲状腺剤', '3136': 'ビタミンB12剤', '1190017': 'プレガバリン', '1190026': 'ミロガバリン',
  '1149023': 'ノイロトロピン', '1149601': 'ノイロトロピン', '3999013': 'エパルレスタット', '3999010': 'エチドロン酸', '3999018': 'アレンドロン酸',
  '3999019': 'リセドロン酸', '3999021': 'ラロキシフェン', '3999026': 'ミノドロン酸', '3999027': 'バゼドキシフェン', '3999040': 'イバンドロン酸',
  '3999401': 'エルカトニン', '3999419': 'アレンドロン酸', '3999435': 'デノスマブ', '3999438': 'イバンドロン酸', '3999449': 'ロモソズマブ',
  '2439400': 'テリパラチド', '2439401': 'テリパラチド', '3999016': 'メトトレキサート', '3999020': 'レフルノミド', '3999031': 'イグラチモド',
  '3999034': 'トファシチニブ', '3999043': 'バリシチニブ', '3999424': 'エタネルセプト', '3999426': 'アダリムマブ', '3999429': 'アバタセプト',
  '3999433': 'ゴリムマブ', '3999437': 'セルトリズマブ', '3999408': 'ヒアルロン酸ナトリウム（関節注）', '3999428': 'ヒアルロン酸架橋体（関節注）',
  '394': '痛風治療剤', '112': '催眠鎮静剤・抗不安剤', '117': '精神神経用剤', '1190016': 'ラメルテオン', '1190023': 'スボレキサント',
  '1190027': 'レンボレキサント', '1190028': 'メラトニン', '42': '腫瘍用薬', '2642': '抗ヒスタミン外用剤', '2646': '副腎皮質ホルモン外用剤',
  '2647': '副腎皮質ホルモン・抗生物質配合外用剤', '2649722': 'クロタミトン（鎮痒）', '2649800': 'クロタミトン・ヒドロコルチゾン（鎮痒）',
  '441': '抗ヒスタミン剤', '449': 'その他のアレルギー用薬',
};

/** The table's test 区分 and tests. */
const TEST_SECTIONS: Record<string, string> = {
  D208: '心電図検査', D210: 'ホルター型心電図検査', E200: 'CT撮影', E202: 'MRI撮影', E001: '写真診断', D250: '平衡機能検査',
  D018: '細菌培養同定検査', D308: '胃・十二指腸ファイバースコピー', D200: 'スパイログラフィー等検査', D239: '筋電図検査', D014: '自己抗体検査',
  D000: '尿中一般物質定性半定量検査', D002: '尿沈渣', D009: '腫瘍マーカー',
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
