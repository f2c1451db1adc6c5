/**
 * From stored events to the history a clinician reads: one item per diagnosis,
 * drug, procedure or test, with every date it was seen. Pure: names come in
 * through `describe`, already looked up in the masters valid at each month.
 */
import { diagnosisDisplayName, UNCODED_DIAGNOSIS_CODE } from '@renkei/masters';
import type { ActItem, DiagnosisItem, DiagnosisStatus, FacilityRef, HistoryPeriod, MedicationItem, Outcome, StayItem } from '@renkei/api';
import type { EventRecord } from './read-events.js';

export type { ActItem, DiagnosisItem, FacilityRef, HistoryPeriod, MedicationItem, Outcome, StayItem };

export interface MasterName {
  name: string;
  /** The master's reading (半角カナ in the official files). */
  kana?: string | null;
  icd10?: string | null;
  section?: string | null;
  yjCode?: string | null;
  /** 医薬品: 単位名 (錠, カプセル, ｍＬ). */
  unit?: string | null;
  modifierPosition?: string | null;
}

/** The master entry of `kind:code` valid in `month` (YYYY-MM), if any. */
export type Describe = (kind: string, code: string, month: string) => MasterName | undefined;

const OUTCOMES: Record<number, Outcome> = { 1: 'continuing', 2: 'cured', 3: 'died', 4: 'discontinued' };

/**
 * The recent window, in months ending with the person's latest receipt month:
 * a diagnosis claimed in it is 継続 (active), a drug supplied in it is current.
 * Three, because a condition under treatment is claimed at least once a
 * quarter: the longest usual prescription is 90 days, and every receipt of a
 * visit lists the conditions still being treated. See the README.
 */
export const RECENT_MONTHS = 3;

export interface PersonHistory {
  diagnoses: DiagnosisItem[];
  medications: MedicationItem[];
  procedures: ActItem[];
  tests: ActItem[];
  /** Inpatient stays, the latest admission first. */
  stays: StayItem[];
  period: HistoryPeriod;
}

export interface HistoryFilter {
  from?: string | undefined;
  to?: string | undefined;
  facility?: string | undefined;
}

/** The events and names each history was built from, so that a filtered one is built again from the same events. */
const SOURCES = new WeakMap<PersonHistory, { events: readonly EventRecord[]; describe: Describe; asOfMonth: string | undefined }>();


/** The text shown for a code no imported master knows. */
export function unknownCodeName(code: string): string {
  return `不明なコード ${code}`;
}

/**
 * `asOfMonth` is the month that decides what is active and current (default:
 * the last month of `events`); a filtered history keeps the person's own.
 */
export function buildHistory(events: readonly EventRecord[], describe: Describe, asOfMonth?: string): PersonHistory {
  const diagnoses = new Map<string, DiagnosisItem>();
  const medications = new Map<string, MedicationItem>();
  const acts = { procedure: new Map<string, ActItem>(), test: new Map<string, ActItem>() };
  const actsByGroup = new Map<string, ActItem[]>();
  const materials: EventRecord[] = [];

  for (const e of events) {
    const facility = { code: e.facility_code, name: e.facility_name };
    if (e.category === 'diagnosis') {
      const modifiers = splitModifiers(e.modifiers);
      const key = `${e.code}|${modifiers.join('')}|${e.code === UNCODED_DIAGNOSIS_CODE ? (e.name ?? '') : ''}`;
      const named = diagnosisName(e, modifiers, describe);
      const item = diagnoses.get(key) ?? {
        code: e.code,
        name: named.name,
        kana: named.kana,
        known: named.known,
        icd10: null,
        modifiers,
        startDate: e.start_date,
        outcome: 'continuing' as Outcome,
        suspected: false,
        main: false,
        firstMonth: e.service_month,
        lastMonth: e.service_month,
        facilities: [],
        status: 'active' as DiagnosisStatus,
      };
      if (e.start_date && (!item.startDate || e.start_date < item.startDate)) item.startDate = e.start_date;
      // Events come oldest month first: the latest receipt decides outcome, suspicion and name.
      item.lastMonth = e.service_month;
      item.outcome = OUTCOMES[e.outcome ?? 1] ?? 'continuing';
      item.suspected = Boolean(e.suspected);
      item.main ||= Boolean(e.main);
      item.name = named.name;
      item.kana = named.kana;
      item.known = named.known;
      // A DPC receipt's own ICD-10 comes before the master's.
      item.icd10 = e.icd10 ?? named.icd10 ?? item.icd10;
      addFacility(item.facilities, facility);
      diagnoses.set(key, item);
    } else if (e.category === 'medication') {
      const entry = describe('y', e.code, e.service_month);
      const item = medications.get(e.code) ?? {
        code: e.code,
        name: entry?.name ?? unknownCodeName(e.code),
        kana: entry?.kana ?? null,
        known: entry !== undefined,
        yjCode: entry?.yjCode ?? null,
        unit: entry?.unit ?? null,
        dates: [],
        months: [],
        route: null,
        usage: null,
        quantity: null,
        days: null,
        prescribers: [],
        dispensers: [],
        dispensings: [],
        current: false,
      };
      const prescriber = e.kind === 'pharmacy' ? { code: e.prescriber_code ?? '', name: e.prescriber_name } : facility;
      const quantity = e.quantity === null ? null : Number(e.quantity);
      // A 調剤 receipt dates each dispensing (CZ); a 医科 receipt its days of supply. No date: the month stands for it.
      for (const date of e.dates && e.dates.length > 0 ? e.dates : [`${e.service_month}-01`]) {
        item.dispensings.push({ date, days: e.days, quantity, prescriber, dispenser: facility });
      }
      addAll(item.dates, e.dates ?? []);
      addAll(item.months, [e.service_month]);
      item.route = e.route ?? item.route;
      item.usage = e.usage ?? item.usage;
      item.quantity = quantity ?? item.quantity;
      item.days = e.days ?? item.days;
      addFacility(item.prescribers, prescriber);
      addFacility(item.dispensers, facility);
      medications.set(e.code, item);
    } else if (e.material) {
      materials.push(e);
    } else {
      const map = acts[e.category];
      const entry = describe(e.code_kind, e.code, e.service_month);
      if (isBillingAddition(entry)) continue;
      const item = map.get(e.code) ?? {
        code: e.code,
        name: entry?.name ?? unknownCodeName(e.code),
        kana: entry?.kana ?? null,
        known: entry !== undefined,
        section: entry?.section ?? null,
        dates: [],
        months: [],
        facilities: [],
        materials: [],
      };
      addAll(item.dates, e.dates ?? []);
      addAll(item.months, [e.service_month]);
      addFacility(item.facilities, facility);
      map.set(e.code, item);
      const groupKey = `${e.receipt_id}|${e.group_no}`;
      actsByGroup.set(groupKey, [...(actsByGroup.get(groupKey) ?? []), item]);
    }
  }

  // A drug or device used in a 手術, 処置 or 検査 goes with that act.
  for (const m of materials) {
    for (const act of actsByGroup.get(`${m.receipt_id}|${m.group_no}`) ?? []) {
      if (act.materials.some((x) => x.code === m.code)) continue;
      const entry = describe(m.code_kind, m.code, m.service_month);
      act.materials.push({ code: m.code, name: entry?.name ?? unknownCodeName(m.code), known: entry !== undefined });
    }
  }

  const asOf = asOfMonth ?? events.at(-1)?.service_month;
  const recentFrom = asOf ? monthsBefore(asOf, RECENT_MONTHS - 1) : '';
  const byRecent = <T extends { dates: string[]; months: string[] }>(a: T, b: T) =>
    latest(b.dates, b.months).localeCompare(latest(a.dates, a.months));
  let latestDate: string | null = null;
  for (const e of events) for (const d of e.dates ?? []) if (latestDate === null || d > latestDate) latestDate = d;
  const history: PersonHistory = {
    diagnoses: [...diagnoses.values()]
      .map((d) => ({ ...d, status: diagnosisStatus(d, recentFrom) }))
      .sort((a, b) => b.lastMonth.localeCompare(a.lastMonth) || (a.startDate ?? '').localeCompare(b.startDate ?? '')),
    // Current drugs first, then the most recently supplied.
    medications: [...medications.values()]
      .map((m) => ({ ...m, dates: m.dates.sort(), months: m.months.sort(), dispensings: m.dispensings.sort((a, b) => a.date.localeCompare(b.date)), current: m.months.some((month) => month >= recentFrom) }))
      .sort((a, b) => Number(b.current) - Number(a.current) || byRecent(a, b)),
    procedures: [...acts.procedure.values()].map(sortDates).sort(byRecent),
    tests: [...acts.test.values()].map(sortDates).sort(byRecent),
    stays: staysOf(events),
    period: { from: events[0]?.service_month ?? null, to: events.at(-1)?.service_month ?? null, latestDate },
  };
  SOURCES.set(history, { events, describe, asOfMonth: asOf });
  return history;
}

/**
 * The history as the period (months, inclusive) and facility narrow it: built
 * again from the events of those months at that facility (the prescribing or
 * the dispensing one), so that every date, month and facility shown lies within
 * the filter. Active and current stay judged on the person's latest month.
 */
export function filterHistory(history: PersonHistory, filter: HistoryFilter): PersonHistory {
  const source = SOURCES.get(history);
  if (!source) throw new Error('filterHistory takes a history made by buildHistory');
  if (!filter.from && !filter.to && !filter.facility) return history;
  return buildHistory(filterEvents(source.events, filter), source.describe, source.asOfMonth);
}

/** The events of the filter's months and facility. */
export function filterEvents(events: readonly EventRecord[], filter: HistoryFilter): EventRecord[] {
  return events.filter(
    (e) =>
      (!filter.from || e.service_month >= filter.from) &&
      (!filter.to || e.service_month <= filter.to) &&
      (!filter.facility || e.facility_code === filter.facility || e.prescriber_code === filter.facility),
  );
}

/**
 * The stays the inpatient receipts bill: one per facility and admission date,
 * over as many months as it was billed; the discharge and DPC code from its
 * latest receipt that gives them.
 */
function staysOf(events: readonly EventRecord[]): StayItem[] {
  const stays = new Map<string, StayItem>();
  const seen = new Set<string>();
  for (const e of events) {
    if (!e.inpatient || seen.has(e.receipt_id)) continue;
    seen.add(e.receipt_id);
    const key = `${e.facility_code}|${e.admitted_on ?? e.service_month}`;
    const stay = stays.get(key) ?? { facility: { code: e.facility_code, name: e.facility_name }, admittedOn: e.admitted_on ?? null, dischargedOn: null, dpcCode: null, months: [] };
    addAll(stay.months, [e.service_month]);
    stay.dischargedOn = e.discharged_on ?? stay.dischargedOn;
    stay.dpcCode = e.dpc_code ?? stay.dpcCode;
    stays.set(key, stay);
  }
  return [...stays.values()].map((s) => ({ ...s, months: s.months.sort() })).sort((a, b) => (b.admittedOn ?? b.months[0]!).localeCompare(a.admittedOn ?? a.months[0]!));
}

/**
 * Suspected (疑い) and ended diagnoses are never mixed with active ones; a
 * continuing one not claimed in the recent window is lapsed (最終記載 YYYY-MM).
 */
function diagnosisStatus(item: { suspected: boolean; outcome: Outcome; lastMonth: string }, recentFrom: string): DiagnosisStatus {
  if (item.suspected) return 'suspected';
  if (item.outcome !== 'continuing') return 'ended';
  return item.lastMonth >= recentFrom ? 'active' : 'lapsed';
}

/** YYYY-MM, `n` months before `month`. */
function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) - n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

function diagnosisName(e: EventRecord, modifiers: string[], describe: Describe): { name: string; kana: string | null; known: boolean; icd10: string | null } {
  const uncoded = e.code === UNCODED_DIAGNOSIS_CODE;
  const entry = uncoded ? undefined : describe('b', e.code, e.service_month);
  const base = uncoded ? (e.name ?? '未コード化傷病名') : (entry?.name ?? unknownCodeName(e.code));
  const parts = modifiers.map((code) => {
    const modifier = describe('z', code, e.service_month);
    // An unknown 修飾語 still shows, as its code, where a suffix would.
    return modifier ? { name: modifier.name, position: modifier.modifierPosition === 'prefix' ? ('prefix' as const) : ('suffix' as const) } : { name: `（修飾語 ${code}）`, position: 'suffix' as const };
  });
  return { name: diagnosisDisplayName(base, parts), kana: entry?.kana ?? null, known: uncoded || entry !== undefined, icd10: entry?.icd10 ?? null };
}

/**
 * Lines that bill an act rather than name one: 判断料 and 加算, and the 通則 additions
 * (区分番号 000). They are kept in the store, but a clinician's list of procedures
 * and tests shows the acts themselves.
 */
function isBillingAddition(entry: MasterName | undefined): boolean {
  if (!entry) return false;
  return /000$/.test(entry.section ?? '') || /(判断料|加算)$/.test(entry.name);
}

function splitModifiers(modifiers: string | null): string[] {
  const codes: string[] = [];
  for (let i = 0; modifiers && i + 4 <= modifiers.length; i += 4) codes.push(modifiers.slice(i, i + 4));
  return codes;
}

function addAll(target: string[], values: readonly string[]): void {
  for (const v of values) if (!target.includes(v)) target.push(v);
}

function addFacility(target: FacilityRef[], facility: FacilityRef): void {
  if (facility.code !== '' && !target.some((f) => f.code === facility.code)) target.push(facility);
}

function latest(dates: string[], months: string[]): string {
  return dates.at(-1) ?? months.at(-1) ?? '';
}

function sortDates(item: ActItem): ActItem {
  return { ...item, dates: item.dates.sort(), months: item.months.sort() };
}
