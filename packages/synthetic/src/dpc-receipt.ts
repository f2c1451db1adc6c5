/**
 * DPC receipts (RECEIPTD.UKE): one per stay and month. BU gives the DPC code
 * and the stay, SB the diagnoses by role, and CD (コーディングデータ) every
 * procedure, drug and device of each day, which is where a DPC receipt keeps
 * what was actually done inside the bundled payment.
 */
import { formatDay } from './calendar.js';
import { conditionsAt, type CarePlan, type PlannedStay } from './care-plan.js';
import { attendanceRecords, eligibilityRecord, patientFields, type ClaimContext } from './claim-context.js';
import { buRecord, cdRecord, formatAmount, medicalHoRecord, medicalKoRecord, medicalReRecord, sbRecord } from './layout.js';
import { drugPoints, imagingLines } from './orders.js';
import { chartNumber } from './population.js';
import { Random } from './random.js';
import type { StayItem } from './stays.js';
import type { ReceiptLines } from './uke-writer.js';
import { vocab, type VocabularyEntry } from './vocabulary.js';

/** One 行為 on one day: its lines share the 順序番号. */
interface StayEvent {
  day: number;
  practice: string;
  items: readonly StayItem[];
  times: number;
}

export interface DpcClaim {
  context: ClaimContext;
  stay: PlannedStay;
  events: StayEvent[];
  comorbidities: readonly VocabularyEntry[];
}

const STREAM_STAY = 5;
/** 医療機関別係数 of the demo hospitals. */
const HOSPITAL_COEFFICIENT = 1.4213;
/** 入院時食事療養(Ⅰ) per meal, yen. */
const MEAL_YEN = 670;
const PRACTICE_ORDER = ['90', '60', '70', '50', '54', '33', '80', '21'];

const procedure = (entry: VocabularyEntry): StayItem => ({ entry, amount: null });

/** Everything done during a stay, day by day; deterministic in (seed, person, stay). */
function stayEvents(stay: PlannedStay, personIndex: number, seed: number): StayEvent[] {
  const { definition, admission, discharge } = stay;
  const random = new Random(seed, STREAM_STAY, personIndex, stay.id);
  const last = discharge - admission;
  const events: StayEvent[] = [];
  const at = (offset: number, practice: string, items: readonly StayItem[], times = 1) => {
    if (offset >= 0 && offset <= last) events.push({ day: admission + offset, practice, items, times });
  };
  const tests = (offset: number, entries: readonly VocabularyEntry[]) => {
    const chemistry = entries.filter((entry) => entry.section === 'D007');
    if (chemistry.length > 0) at(offset, '60', chemistry.map(procedure));
    for (const entry of entries) if (entry.section !== 'D007') at(offset, '60', [procedure(entry)]);
  };

  for (let offset = 0; offset <= last; offset++) at(offset, '90', [procedure(vocab.acuteCareWard1)]);
  tests(0, definition.admissionTests);
  for (const study of definition.admissionImaging) at(0, '70', imagingLines[study].map(procedure));
  if (definition.surgery) {
    const { surgery } = definition;
    at(definition.surgeryDay, '50', [procedure(surgery.procedure), ...surgery.drugs, ...surgery.devices]);
    at(definition.surgeryDay, '54', [...surgery.anesthesia.map(procedure), ...surgery.anesthesiaDrugs]);
  }
  for (const course of definition.courses) {
    const to = course.to < 0 ? last + course.to : course.to;
    for (let offset = course.from; offset <= to; offset++) at(offset, course.practice, course.items, random.int(course.times[0], course.times[1]));
  }
  for (const offset of definition.followUpDays) tests(offset, definition.followUpTests);
  for (const { day, study } of definition.followUpImaging) at(day, '70', imagingLines[study].map(procedure));
  if (definition.dischargePrescription.length > 0) {
    at(last, '21', definition.dischargePrescription.map((order) => ({ entry: order.drug, amount: order.amount })), 14);
  }
  return events.sort((a, b) => a.day - b.day || PRACTICE_ORDER.indexOf(a.practice) - PRACTICE_ORDER.indexOf(b.practice));
}

/** The DPC claims of a month: one per stay that overlaps it. */
export function dpcClaims(context: ClaimContext, plan: CarePlan, seed: number): DpcClaim[] {
  const { month } = context;
  const monthEnd = month.firstDay + month.length - 1;
  const claims: DpcClaim[] = [];
  for (const stay of plan.stays) {
    if (stay.discharge < month.firstDay || stay.admission > monthEnd) continue;
    const events = stayEvents(stay, plan.person.index, seed).filter((event) => event.day >= month.firstDay && event.day <= monthEnd);
    const comorbidities = conditionsAt(plan, stay.admission).filter((entry) => entry !== stay.definition.diagnosis).slice(0, 4);
    claims.push({ context, stay, events, comorbidities });
  }
  return claims;
}

function itemYen(items: readonly StayItem[]): number {
  let yen = 0;
  for (const { entry, amount } of items) if (amount !== null) yen += (entry.price ?? 0) * amount;
  return yen;
}

/**
 * 包括 points for the days of the month plus the 出来高 parts (operation,
 * anesthesia with their drugs and devices, rehabilitation).
 */
function dpcPoints(claim: DpcClaim, days: number): number {
  let points = Math.round(claim.stay.definition.dailyPoints * HOSPITAL_COEFFICIENT * days);
  for (const event of claim.events) {
    if (event.practice !== '50' && event.practice !== '54' && event.practice !== '80') continue;
    for (const { entry, amount } of event.items) if (amount === null) points += (entry.price ?? 0) * event.times;
    const yen = itemYen(event.items);
    if (yen > 0) points += drugPoints(yen);
  }
  return points;
}

export function dpcReceipt(claim: DpcClaim): ReceiptLines {
  const { context, stay } = claim;
  const { month } = context;
  const monthEnd = month.firstDay + month.length - 1;
  const days = Math.min(stay.discharge, monthEnd) - Math.max(stay.admission, month.firstDay) + 1;
  const points = dpcPoints(claim, days);
  return {
    points,
    render(receiptNumber) {
      const { coverage, program, nameOf } = context;
      const { definition, hospital } = stay;
      const dateOf = (day: number) => month.dates[day - month.firstDay + 1] ?? '';
      const admissionDate = formatDay(stay.admission);
      const discharged = stay.discharge <= monthEnd;
      const lines = [
        medicalReRecord(patientFields(context, '1', true, receiptNumber, chartNumber(context.person, hospital.code)), admissionDate),
        medicalHoRecord({ insurer: coverage.insurer, symbol: coverage.symbol, number: coverage.number, days, points }, { count: days * 3, yen: days * 3 * MEAL_YEN }),
      ];
      if (program) lines.push(medicalKoRecord({ payer: program.payer, recipient: program.recipient, days, points }));
      lines.push(eligibilityRecord(context));
      const firstDay = Math.max(stay.admission, month.firstDay) - month.firstDay + 1;
      lines.push(...attendanceRecords(context, Array.from({ length: days }, (_, i) => firstDay + i)));
      lines.push(buRecord(definition.dpcCode, admissionDate, discharged ? formatDay(stay.discharge) : '', discharged ? '1' : ''));
      const main = definition.diagnosis;
      for (const category of ['01', '11', '21']) lines.push(sbRecord(main.code, '', nameOf(main), main.icd10 ?? '', category));
      for (const entry of claim.comorbidities) lines.push(sbRecord(entry.code, '', nameOf(entry), entry.icd10 ?? '', '41'));
      let currentDay = -1;
      let sequence = 0;
      for (const event of claim.events) {
        if (event.day !== currentDay) {
          currentDay = event.day;
          sequence = 0;
        }
        sequence++;
        event.items.forEach(({ entry, amount }, index) => {
          lines.push(
            cdRecord({
              date: dateOf(event.day),
              practice: event.practice,
              sequence,
              detail: index + 1,
              code: entry.code,
              amount: amount === null ? '' : formatAmount(amount),
              unitCode: entry.unitCode ?? '',
              times: event.times,
              deviceName: entry.kind === 't' ? nameOf(entry) : '',
            }),
          );
        });
      }
      return lines;
    },
  };
}

/** A 返戻/再請求 version: one follow-up test taken out of the coding data. Null when there is none. */
export function correctedDpcClaim(claim: DpcClaim): DpcClaim | null {
  const admissionDay = claim.stay.admission;
  const removable = claim.events.findLastIndex((event) => event.practice === '60' && event.day !== admissionDay);
  if (removable < 0) return null;
  return { ...claim, events: claim.events.filter((_, index) => index !== removable) };
}
