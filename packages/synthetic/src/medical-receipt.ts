/**
 * 医科 receipts (RECEIPTC.UKE) from a facility's month of outpatient care.
 * Orders become 算定単位 (units): consultation, management, drugs (院内) or the
 * 処方箋料 (院外), tests, imaging and procedures. Identical units on different
 * days are merged, as レセコン do, so 回数 is the sum of the day columns.
 */
import { formatDay } from './calendar.js';
import type { FacilityMonth } from './care-plan.js';
import { attendanceRecords, eligibilityRecord, patientFields, type ClaimContext } from './claim-context.js';
import {
  coRecord,
  formatAmount,
  medicalHoRecord,
  medicalIyRecord,
  medicalKoRecord,
  medicalReRecord,
  siRecord,
  syRecord,
  type DiagnosisFields,
} from './layout.js';
import { drugPoints, imagingLines, preparationUnitPoints, type Order, type Preparation } from './orders.js';
import { chartNumber } from './population.js';
import type { ReceiptLines } from './uke-writer.js';
import { vocab, type VocabularyEntry } from './vocabulary.js';

type UnitLine = { record: 'SI' | 'IY'; code: string; quantity: string } | { record: 'CO'; text: string };

/** A 算定単位: lines billed together, 点数 per time, done `times` times over the month. */
export interface Unit {
  practice: string;
  lines: UnitLine[];
  points: number;
  times: number;
  /** Day of month → count. */
  days: Map<number, number>;
}

export interface MedicalClaim {
  context: ClaimContext;
  facilityMonth: FacilityMonth;
  diagnoses: DiagnosisFields[];
  units: Unit[];
}

const FORM_PRACTICE = { internal: '21', asNeeded: '22', external: '23' } as const;

/** 生化学的検査（１）: five or more D007 items are billed as one bundle (R06 点数). */
function chemistryBundlePoints(count: number): number {
  return count >= 10 ? 103 : count >= 8 ? 99 : 93;
}

/** The 判断料 a test section calls for, once a month. */
function judgementFor(section: string): VocabularyEntry | null {
  const number = Number(section.slice(1, 4));
  if (!section.startsWith('D')) return null;
  if (number <= 4) return vocab.urineJudgement;
  if (number <= 6) return vocab.hematologyJudgement;
  if (number === 7) return vocab.biochemistry1Judgement;
  if (number <= 10) return vocab.biochemistry2Judgement;
  if (number <= 16) return vocab.immunologyJudgement;
  if (number <= 23) return vocab.microbiologyJudgement;
  if (number >= 200 && number <= 204) return vocab.respiratoryJudgement;
  return null;
}

/** Blood is drawn (B-V) for hematology, chemistry and immunology tests. */
function needsBloodSample(section: string): boolean {
  const number = Number(section.slice(1, 4));
  return section.startsWith('D') && number >= 5 && number <= 16;
}

/** 検体検査 (D000–D023): the results a clinic can give the same day earn 外来迅速検体検査加算. */
function isSpecimenTest(section: string): boolean {
  return section.startsWith('D') && Number(section.slice(1, 4)) <= 23;
}

const si = (entry: VocabularyEntry): UnitLine => ({ record: 'SI', code: entry.code, quantity: '' });
const iy = (entry: VocabularyEntry, amount: number): UnitLine => ({ record: 'IY', code: entry.code, quantity: formatAmount(amount) });

/** 点数 of SI lines billed together: the sum of their 点数. */
function priceOf(entries: readonly VocabularyEntry[]): number {
  let points = 0;
  for (const entry of entries) points += entry.price ?? 0;
  return points;
}

function drugYen(drugs: readonly { drug: VocabularyEntry; amount: number }[]): number {
  let yen = 0;
  for (const { drug, amount } of drugs) yen += (drug.price ?? 0) * amount;
  return yen;
}

class UnitCollector {
  readonly units: Unit[] = [];
  private readonly byKey = new Map<string, Unit>();

  add(practice: string, lines: UnitLine[], points: number, dayOfMonth: number, times = 1): void {
    const key = practice + '|' + points + '|' + lines.map((line) => (line.record === 'CO' ? line.text : line.code + ':' + line.quantity)).join(',');
    const existing = this.byKey.get(key);
    if (existing) {
      existing.times += times;
      existing.days.set(dayOfMonth, (existing.days.get(dayOfMonth) ?? 0) + times);
      return;
    }
    const unit: Unit = { practice, lines, points, times, days: new Map([[dayOfMonth, times]]) };
    this.byKey.set(key, unit);
    this.units.push(unit);
  }
}

/** The 医科 claim of one facility and month. */
export function medicalClaim(context: ClaimContext, facilityMonth: FacilityMonth): MedicalClaim {
  const { facility } = facilityMonth;
  const clinic = facility.kind === 'clinic';
  const collector = new UnitCollector();
  const judgements = new Map<VocabularyEntry, number>();
  let prescribedThisMonth = false;
  let specificDiseaseDay = 0;
  let infoBonusBilled = false;

  for (const encounter of facilityMonth.encounters) {
    const day = encounter.day - context.month.firstDay + 1;
    const orders = encounter.orders;
    const operated = orders.some((order) => order.kind === 'procedure' && order.practice !== '33');
    const bill = (practice: string, entries: readonly VocabularyEntry[], times = 1) => collector.add(practice, entries.map(si), priceOf(entries), day, times);
    if (encounter.initial) {
      bill('11', clinic ? [vocab.initialVisit, vocab.initialInfoBonus, vocab.initialInfectionControlBonus] : [vocab.initialVisit]);
    } else if (clinic) {
      const revisit = [vocab.revisit, vocab.itemizedStatementBonus, vocab.revisitInfectionControlBonus];
      const infoBonus: boolean = !infoBonusBilled && (context.month.index + context.person.index) % 3 === 0;
      bill('12', infoBonus ? [...revisit, vocab.revisitInfoBonus] : revisit);
      infoBonusBilled ||= infoBonus;
      if (!operated) bill('12', [vocab.outpatientManagementBonus]);
    } else {
      bill('12', [vocab.hospitalOutpatientFee]);
    }

    const preparations: Preparation[] = [];
    let sampled = false;
    for (const order of orders) addOrder(order);
    if (preparations.length > 0) addPrescription(preparations);

    function addOrder(order: Order): void {
      switch (order.kind) {
        case 'management':
          bill('13', [order.fee]);
          if (order.fee === vocab.specificDiseaseManagement) specificDiseaseDay ||= day;
          return;
        case 'prescription':
          preparations.push(...order.preparations);
          return;
        case 'tests': {
          const chemistry = order.items.filter((item) => item.section === 'D007');
          const others = order.items.filter((item) => item.section !== 'D007');
          if (chemistry.length >= 5) collector.add('60', chemistry.map(si), chemistryBundlePoints(chemistry.length), day);
          else for (const item of chemistry) bill('60', [item]);
          for (const item of others) bill('60', [item]);
          let rapid = 0;
          for (const item of order.items) {
            const section = item.section ?? '';
            const judgement = judgementFor(section);
            if (judgement && !judgements.has(judgement)) judgements.set(judgement, day);
            if (!sampled && needsBloodSample(section)) {
              bill('60', [vocab.venousBloodSampling]);
              sampled = true;
            }
            if (isSpecimenTest(section)) rapid++;
          }
          if (clinic && rapid > 0) bill('60', [vocab.rapidTestBonus], Math.min(5, rapid));
          return;
        }
        case 'imaging':
          bill('70', imagingLines[order.study]);
          return;
        case 'procedure': {
          const drugLines = order.drugs.map(({ drug, amount }) => iy(drug, amount));
          if (order.practice === '33') {
            collector.add('33', [si(order.procedure), ...drugLines], priceOf([order.procedure]) + drugPoints(drugYen(order.drugs)), day);
          } else {
            bill(order.practice, [order.procedure]);
            if (drugLines.length > 0) collector.add(order.practice, drugLines, drugPoints(drugYen(order.drugs)), day);
          }
          return;
        }
      }
    }

    function addPrescription(prepared: readonly Preparation[]): void {
      if (!facility.dispensesInHouse) {
        bill('80', [vocab.prescriptionFee, vocab.genericNameBonus2]);
        if (specificDiseaseDay && !prescribedThisMonth) bill('80', [vocab.specificDiseasePrescriptionBonus]);
        prescribedThisMonth = true;
        return;
      }
      for (const preparation of prepared) {
        const lines: UnitLine[] = [{ record: 'CO', text: preparation.usage.text }];
        for (const { drug, amount } of preparation.drugs) lines.push(iy(drug, amount));
        collector.add(FORM_PRACTICE[preparation.form], lines, preparationUnitPoints(preparation), day, preparation.quantity);
      }
      if (prepared.some((preparation) => preparation.form !== 'external')) bill('24', [vocab.dispensingInternal]);
      if (prepared.some((preparation) => preparation.form === 'external')) bill('24', [vocab.dispensingExternal]);
      bill('25', [vocab.inHousePrescriptionFee]);
      if (!prescribedThisMonth) {
        if (specificDiseaseDay) bill('25', [vocab.inHouseSpecificDiseaseBonus]);
        bill('27', [vocab.dispensingBase]);
      }
      prescribedThisMonth = true;
    }
  }
  for (const [judgement, day] of judgements) collector.add('60', [si(judgement)], priceOf([judgement]), day);

  const units = collector.units.sort((a, b) => Number(a.practice) - Number(b.practice));
  const diagnoses = facilityMonth.diagnoses.map((diagnosis): DiagnosisFields =>
    diagnosis.uncoded
      ? {
          code: '0000999',
          start: formatDay(diagnosis.start),
          outcome: diagnosis.outcome,
          modifiers: '',
          name: displayName(context, diagnosis.entry, diagnosis.modifiers),
          main: diagnosis.main,
        }
      : {
          code: diagnosis.entry.code,
          start: formatDay(diagnosis.start),
          outcome: diagnosis.outcome,
          modifiers: diagnosis.modifiers.map((modifier) => modifier.code).join(''),
          name: '',
          main: diagnosis.main,
        },
  );
  return { context, facilityMonth, diagnoses, units };
}

/** 修飾語 around the name, as a 未コード化傷病名 is written out: 右 + 橈骨遠位端骨折 + の疑い. */
function displayName(context: ClaimContext, entry: VocabularyEntry, modifiers: readonly VocabularyEntry[]): string {
  const prefixes = modifiers.filter((modifier) => modifier.modifierPosition === 'prefix').map(context.nameOf);
  const suffixes = modifiers.filter((modifier) => modifier.modifierPosition === 'suffix').map(context.nameOf);
  return prefixes.join('') + context.nameOf(entry) + suffixes.join('');
}

/** The claim as lines; the writer gives the レセプト番号. */
export function medicalReceipt(claim: MedicalClaim): ReceiptLines {
  let points = 0;
  for (const unit of claim.units) points += unit.points * unit.times;
  return {
    points,
    render(receiptNumber) {
      const { context, facilityMonth, diagnoses, units } = claim;
      const { coverage, program, burden } = context;
      const facility = facilityMonth.facility;
      const visitDays = facilityMonth.encounters.length;
      const lines = [
        medicalReRecord(patientFields(context, '1', false, receiptNumber, chartNumber(context.person, facility.code))),
        medicalHoRecord({ insurer: coverage.insurer, symbol: coverage.symbol, number: coverage.number, days: visitDays, points }),
      ];
      if (program) lines.push(medicalKoRecord({ payer: program.payer, recipient: program.recipient, days: visitDays, points }));
      if (facility.writesSn) lines.push(eligibilityRecord(context));
      lines.push(...attendanceRecords(context, facilityMonth.encounters.map((encounter) => encounter.day - context.month.firstDay + 1)));
      for (const diagnosis of diagnoses) lines.push(syRecord(diagnosis));
      let group = '';
      for (const unit of units) {
        const days = [...unit.days].sort((a, b) => a[0] - b[0]);
        const lastItem = unit.lines.findLastIndex((line) => line.record !== 'CO');
        unit.lines.forEach((line, index) => {
          const practice = unit.practice === group ? '' : unit.practice;
          group = unit.practice;
          if (line.record === 'CO') {
            lines.push(coRecord(practice, burden, line.text));
            return;
          }
          const item = {
            practice,
            burden,
            code: line.code,
            quantity: line.quantity,
            points: index === lastItem ? String(unit.points) : '',
            times: unit.times,
            days,
          };
          lines.push(line.record === 'SI' ? siRecord(item) : medicalIyRecord(item));
        });
      }
      return lines;
    },
  };
}

/**
 * A 返戻/再請求 version of the claim: one test, imaging, management or
 * procedure unit is taken out, as after a 査定. Null when nothing could go.
 */
export function correctedMedicalClaim(claim: MedicalClaim): MedicalClaim | null {
  const removable = claim.units.findLastIndex((unit) => ['13', '33', '40', '60', '70'].includes(unit.practice));
  if (removable < 0) return null;
  return { ...claim, units: claim.units.filter((_, index) => index !== removable) };
}
