/**
 * Who is billed for a person in a month (HO, KO, SN and the RE patient
 * fields), computed once and shared by the 医科, 調剤 and DPC builders.
 */
import type { Month } from './calendar.js';
import { jdRecord, snRecord, type PatientFields } from './layout.js';
import {
  beneficiaryIn,
  coverageIn,
  publicProgramIn,
  receiptType,
  type Beneficiary,
  type Coverage,
  type Person,
  type PublicProgramGrant,
} from './population.js';
import type { VocabularyEntry } from './vocabulary.js';

export interface ClaimContext {
  person: Person;
  month: Month;
  coverage: Coverage;
  beneficiary: Beneficiary;
  program: PublicProgramGrant | null;
  /** 負担区分 of the billed lines: 1 医保 only, 2 医保 + 第1公費. */
  burden: string;
  /** The name of a code as the masters give it (official masters when loaded). */
  nameOf(entry: VocabularyEntry): string;
}

export function claimContext(person: Person, month: Month, nameOf: (entry: VocabularyEntry) => string): ClaimContext {
  const coverage = coverageIn(person, month);
  const program = publicProgramIn(person, month);
  return {
    person,
    month,
    coverage,
    beneficiary: beneficiaryIn(person, month, coverage),
    program,
    burden: program ? '2' : '1',
    nameOf,
  };
}

export function patientFields(context: ClaimContext, table: '1' | '4', inpatient: boolean, number: number, chart: string): PatientFields {
  const { person, month, beneficiary, program } = context;
  return {
    number,
    type: receiptType(table, beneficiary, program ? 1 : 0, inpatient),
    month: month.yyyymm,
    name: person.name,
    sex: person.sex,
    birthDate: person.birthDate,
    benefitRate: beneficiary.benefitRate,
    chart,
    kana: person.kana,
  };
}

/** SN (資格確認) with the 枝番, written by facilities that confirm eligibility online. */
export function eligibilityRecord(context: ClaimContext): string {
  return snRecord(context.coverage.branch);
}

/** JD for the 医療保険 and, with a 公費, one for the 第1公費: the same days. */
export function attendanceRecords(context: ClaimContext, daysOfMonth: readonly number[]): string[] {
  const records = [jdRecord('1', daysOfMonth)];
  if (context.program) records.push(jdRecord('2', daysOfMonth));
  return records;
}
