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
  /** 区分 of tests and imaging that work the complaint up. */
  tests: string[];
}

export const CHIEF_COMPLAINTS: readonly ChiefComplaint[] = [
  { name: '胸痛', readings: ['きょうつう', 'むねのいたみ'], icd10: ['I20-I25', 'I26', 'I30-I52', 'I71', 'K21', 'J93'], drugClasses: ['217', '3332', '2329'], tests: ['D208', 'D007', 'E001', 'E200', 'D215'] },
  { name: 'めまい', readings: ['めまい', 'げんうん'], icd10: ['H81-H83', 'R42', 'I60-I69', 'I95', 'D50-D64', 'I47-I49'], drugClasses: ['133', '1339'], tests: ['D250', 'E200', 'E202', 'D208'] },
  { name: '発熱', readings: ['はつねつ', 'ねつ'], icd10: ['A00-B99', 'J00-J22', 'N10', 'N30', 'R50', 'U07'], drugClasses: ['61', '62', '625', '1141'], tests: ['D012', 'D005', 'D015', 'D018', 'E001'] },
  { name: '頭痛', readings: ['ずつう', 'あたまのいたみ'], icd10: ['G43-G44', 'R51', 'I60-I69', 'I10-I15'], drugClasses: ['114', '2160', '2190'], tests: ['E200', 'E202'] },
  { name: '腹痛', readings: ['ふくつう', 'おなかのいたみ'], icd10: ['K20-K93', 'N20-N23', 'R10', 'C15-C26'], drugClasses: ['232', '1242', '2399'], tests: ['D308', 'E001', 'E200', 'D215'] },
  { name: '咳', readings: ['せき', 'がいそう'], icd10: ['J00-J47', 'J84', 'I50', 'K21', 'C34'], drugClasses: ['222', '223', '224', '225', '229'], tests: ['E001', 'D012', 'D200', 'E200'] },
  { name: '息切れ', readings: ['いきぎれ', 'こきゅうこんなん'], icd10: ['J41-J47', 'J84', 'I50', 'I20-I25', 'D50-D64', 'I26-I27'], drugClasses: ['225', '213', '211'], tests: ['D200', 'D208', 'D215', 'E001', 'D007'] },
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

export function searchChiefComplaint(history: PersonHistory, query: string): ComplaintResult {
  const complaint = findChiefComplaint(query);
  const q = normalizeQuery(query);
  const named = (item: { name: string; kana: string | null }) => normalizeQuery(item.name).includes(q) || (item.kana !== null && normalizeQuery(item.kana).includes(q));
  if (!complaint) {
    return {
      complaint: query,
      known: false,
      diagnoses: history.diagnoses.filter((d) => named(d)),
      medications: history.medications.filter((m) => named(m)),
      tests: history.tests.filter((t) => named(t)),
    };
  }
  return {
    complaint: complaint.name,
    known: true,
    diagnoses: history.diagnoses.filter((d) => named(d) || (d.icd10 !== null && complaint.icd10.some((r) => inIcd10Range(d.icd10!, r)))),
    medications: history.medications.filter((m) => named(m) || (m.yjCode !== null && complaint.drugClasses.some((c) => m.yjCode!.startsWith(c)))),
    tests: history.tests.filter((t) => named(t) || (t.section !== null && complaint.tests.includes(t.section))),
  };
}

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
