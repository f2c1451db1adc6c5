/**
 * Disease groups (疾病グループ): which diagnoses, drugs and procedures in a
 * history put the patient in a named group, and the receipts (months,
 * facilities) that show it. Pure.
 *
 * Only confirmed, continuing diagnoses count: 疑い病名 and cured or ended ones
 * are left out. A diagnosis seen in one month only counts when a drug or
 * procedure of the same group backs it, to keep レセプト病名 (names written to
 * justify a test) from raising flags (UKE_FORMAT.md §8).
 */
import type { DiseaseGroupDefinition, GroupEvidence, GroupMatch } from '@renkei/api';
import type { PersonHistory } from './build-history.js';

export interface PatientFacts {
  age: number;
  sex: 'male' | 'female';
}

export function matchDiseaseGroups(history: PersonHistory, patient: PatientFacts, groups: readonly DiseaseGroupDefinition[]): GroupMatch[] {
  const matches: GroupMatch[] = [];
  for (const group of groups) {
    const evidence = evidenceFor(history, patient, group);
    if (evidence.length > 0) matches.push({ id: group.id, name: group.name, evidence });
  }
  return matches;
}

function evidenceFor(history: PersonHistory, patient: PatientFacts, group: DiseaseGroupDefinition): GroupEvidence[] {
  const patientEvidence: GroupEvidence[] = [];
  if (group.minAge !== undefined) {
    if (patient.age < group.minAge) return [];
    patientEvidence.push({ category: 'patient', code: 'age', name: `${patient.age}歳`, months: [], facilities: [] });
  }
  if (group.sex !== undefined) {
    if (patient.sex !== group.sex) return [];
    patientEvidence.push({ category: 'patient', code: 'sex', name: patient.sex === 'male' ? '男性' : '女性', months: [], facilities: [] });
  }
  const drugs: GroupEvidence[] = history.medications
    .filter((m) => m.yjCode && group.drugClasses.some((c) => m.yjCode!.startsWith(c)) && (!group.drugRoutes || (m.route !== null && group.drugRoutes.includes(m.route as never))))
    .map((m) => ({ category: 'medication', code: m.code, name: m.name, months: m.months, facilities: [...m.prescribers] }));
  const acts: GroupEvidence[] = [...history.procedures.map((a) => ['procedure', a] as const), ...history.tests.map((a) => ['test', a] as const)]
    .filter(([, a]) => group.procedureCodes.some((c) => c === a.code || (a.section !== null && a.section === c)))
    .map(([category, a]) => ({ category, code: a.code, name: a.name, months: a.months, facilities: a.facilities }));
  const backed = drugs.length > 0 || acts.length > 0;
  const diagnoses: GroupEvidence[] = history.diagnoses
    .filter((d) => d.status === 'active' && (backed || d.firstMonth !== d.lastMonth))
    .filter((d) => group.diagnosisCodes.includes(d.code) || (d.icd10 !== null && group.icd10.some((range) => inIcd10Range(d.icd10!, range))))
    .map((d) => ({ category: 'diagnosis', code: d.code, name: d.name, months: monthSpan(d.firstMonth, d.lastMonth), facilities: d.facilities }));
  const clinical = [...diagnoses, ...drugs, ...acts];
  const hasClinicalCriteria = group.icd10.length + group.diagnosisCodes.length + group.drugClasses.length + group.procedureCodes.length > 0;
  if (hasClinicalCriteria && clinical.length === 0) return [];
  return [...patientEvidence, ...clinical];
}

/** `E78` matches E780, E785…; `C00-C97` matches C00 through C97x. ICD-10 codes come without dots. */
export function inIcd10Range(code: string, range: string): boolean {
  const plain = code.replace('.', '').toUpperCase();
  const [low, high = low] = range.split('-') as [string, string?];
  return plain.slice(0, low.length) >= low && plain.slice(0, high!.length) <= high!;
}

function monthSpan(first: string, last: string): string[] {
  return first === last ? [first] : [first, last];
}
