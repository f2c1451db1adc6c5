/**
 * A person's care over the whole period, decided once from the seed: chronic
 * conditions and where they are followed, acute episodes with their visit
 * days, and hospital stays. `facilityMonths` then reads one month out of it,
 * so any month can be rebuilt on its own (a correction re-issues an old month).
 */
import { ageInMonthOn, ageOn, dayNumber, weekday, type Month } from './calendar.js';
import { cancerFollowUp, chronicConditions, chronicDefinition, type ChronicDefinition } from './conditions.js';
import { acuteEpisodes } from './episodes.js';
import { clinics, facilityFor, type Facility } from './facilities.js';
import { external, preparationsFor, type DrugOrder, type ImagingStudy, type Order } from './orders.js';
import type { Person } from './population.js';
import { hash32, Random } from './random.js';
import { cancerStays, medicalStays, type StayDefinition } from './stays.js';
import { usages, vocab, type VocabularyEntry } from './vocabulary.js';

/** A diagnosis as a receipt lists it (SY in 医科). */
export interface DiagnosisMention {
  entry: VocabularyEntry;
  modifiers: readonly VocabularyEntry[];
  /** 診療開始日, a day number. */
  start: number;
  /** 転帰区分: 1 継続, 2 治ゆ, 4 中止(転医). */
  outcome: 1 | 2 | 4;
  main: boolean;
  /** Written as 未コード化傷病名 (0000999) with the name as text. */
  uncoded: boolean;
}

export interface Encounter {
  day: number;
  /** 初診 rather than 再診. */
  initial: boolean;
  orders: Order[];
}

/** What one facility did for the person in one month: one 医科 receipt. */
export interface FacilityMonth {
  facility: Facility;
  diagnoses: DiagnosisMention[];
  encounters: Encounter[];
}

interface ConditionCourse {
  definition: ChronicDefinition;
  diagnosis: VocabularyEntry;
  modifiers: readonly VocabularyEntry[];
  onset: number;
  regimen: readonly DrugOrder[];
  testPhase: number;
}

/** The chronic care one facility gives: conditions and a visit rhythm. */
interface CareTrack {
  facility: Facility;
  conditions: ConditionCourse[];
  /** Months between visits. */
  cadence: number;
  /** Monthly patients seen every two weeks, with 14-day prescriptions. */
  fortnightly: boolean;
  phase: number;
  preferredDay: number;
  /** No visits before this day (a cancer follow-up starts after discharge). */
  from: number;
}

interface EpisodeCourse {
  facility: Facility;
  visits: number[];
  /** Null for a visit that only raises a suspicion (a referral). */
  diagnosis: VocabularyEntry | null;
  modifiers: readonly VocabularyEntry[];
  cured: boolean;
  /** An uncured diagnosis stays on the facility's receipts, 継続, until this day, as レセプト病名 do. */
  lingerUntil: number;
  uncoded: boolean;
  /** A 疑い diagnosis: ruled out at the next visit (2) or referred on (4). */
  suspicion: { diagnosis: VocabularyEntry; outcome: 2 | 4 } | null;
  firstVisit: Order[];
  followUp: Order[];
}

export interface PlannedStay {
  definition: StayDefinition;
  hospital: Facility;
  admission: number;
  /** Included: the last day in hospital. */
  discharge: number;
  /** Position in the plan, for the stay's own random stream. */
  id: number;
}

export interface CarePlan {
  person: Person;
  tracks: CareTrack[];
  episodes: EpisodeCourse[];
  stays: PlannedStay[];
}

const STREAM_PLAN = 2;
const STREAM_VISIT = 3;
const MAX_CONDITIONS = 4;
const MAX_STAYS = 2;

function offSunday(day: number): number {
  return weekday(day) === 0 ? day + 1 : day;
}

function sideModifiers(random: Random, laterality: 'none' | 'bilateral' | 'side'): VocabularyEntry[] {
  if (laterality === 'bilateral') return [vocab.bilateral];
  if (laterality === 'side') return [random.weighted([[vocab.left, 4], [vocab.right, 4], [vocab.bilateral, 2]] as const)];
  return [];
}

/** Decides a person's care for the period. Deterministic in (seed, person). */
export function planCare(person: Person, months: readonly Month[], seed: number): CarePlan {
  const random = new Random(seed, STREAM_PLAN, person.index);
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) return { person, tracks: [], episodes: [], stays: [] };
  const start = first.firstDay;
  const end = last.firstDay + last.length - 1;
  const ageAtStart = ageOn(person.birth, start);
  const ageAtEnd = ageOn(person.birth, end);
  const city = person.household.city;

  const conditions: ConditionCourse[] = [];
  const addCondition = (definition: ChronicDefinition, onset: number) => {
    conditions.push({
      definition,
      diagnosis: random.weighted(definition.diagnoses),
      modifiers: sideModifiers(random, definition.laterality),
      onset,
      regimen: random.pick(definition.regimens),
      testPhase: random.int(0, 11),
    });
  };
  const born = dayNumber(person.birth.year, person.birth.month, person.birth.day);
  const earliest = Math.max(start, born + 180);
  for (const definition of chronicConditions) {
    if (conditions.length >= MAX_CONDITIONS) break;
    const before = born < start - 365 ? definition.prevalence(ageAtStart, person.sex) : 0;
    const incidence = Math.max(0, definition.prevalence(ageAtEnd, person.sex) - before) + before * 0.04;
    if (random.chance(before)) {
      addCondition(definition, start - random.int(30, Math.min(15 * 365, start - born - 1)));
    } else if (random.chance(incidence) && earliest < end - 14) {
      addCondition(definition, offSunday(random.int(earliest, end - 14)));
    }
  }

  const episodes: EpisodeCourse[] = [];
  const stays: PlannedStay[] = [];
  const free = (from: number, to: number) => stays.every((stay) => to < stay.admission - 30 || from > stay.discharge + 30);
  const addStay = (definition: StayDefinition, admission: number): PlannedStay | null => {
    const discharge = admission + random.int(definition.lengthDays[0], definition.lengthDays[1]) - 1;
    if (stays.length >= MAX_STAYS || discharge > end + 60 || !free(admission, discharge)) return null;
    const stay = { definition, hospital: facilityFor('hospital', city), admission, discharge, id: stays.length };
    stays.push(stay);
    if (definition.leaves && !conditions.some((course) => course.definition.key === definition.leaves)) {
      addCondition(chronicDefinition(definition.leaves), offSunday(discharge + 1));
    }
    return stay;
  };

  const tracks: CareTrack[] = [];
  planCancer(person, random, ageAtStart, start, end, episodes, addStay, tracks);
  for (const month of months) {
    const monthEnd = month.firstDay + month.length - 1;
    if (monthEnd < born + 30) continue;
    const age = ageInMonthOn(person.birth, month, 1);
    const winter = month.month === 12 || month.month <= 2;
    const admissionDay = () => random.int(month.firstDay, monthEnd);
    if (age >= 75 && random.chance(person.sex === 2 ? 0.0012 : 0.0005)) addStay(medicalStays.hipFracture, admissionDay());
    if (age >= 75 && random.chance(winter ? 0.003 : 0.0015)) addStay(medicalStays.pneumonia, admissionDay());
    if (age >= 65 && random.chance(0.0006)) addStay(medicalStays.cerebralInfarction, admissionDay());
    if (conditions.some((course) => course.definition.key === 'heartFailure' && course.onset < month.firstDay) && random.chance(0.005)) {
      addStay(medicalStays.heartFailure, admissionDay());
    }
    for (const definition of acuteEpisodes) {
      if (!random.chance(definition.monthlyRate(age, person.sex, month.month))) continue;
      const suspicion = definition.suspicions.find((candidate) => random.chance(candidate.share)) ?? null;
      const firstDay = offSunday(random.int(Math.max(month.firstDay, born + 30), monthEnd));
      const visits = [firstDay];
      const visitCount = Math.max(random.int(definition.visits[0], definition.visits[1]), suspicion ? 2 : 1);
      while (visits.length < visitCount) {
        visits.push(offSunday((visits[visits.length - 1] ?? firstDay) + random.int(definition.intervalDays[0], definition.intervalDays[1])));
      }
      const facility = facilityFor(definition.department, city);
      const extra = definition.extra && random.chance(definition.extra.share) ? random.pick(definition.extra.options) : [];
      const drugs = [...random.pick(definition.prescriptions), ...extra];
      const firstVisit: Order[] = [...definition.firstVisit, ...(suspicion?.orders ?? [])];
      if (drugs.length > 0) firstVisit.push({ kind: 'prescription', preparations: preparationsFor(drugs, definition.prescriptionDays) });
      const cured = random.chance(definition.cureShare);
      const lastVisit = visits[visits.length - 1] ?? firstDay;
      episodes.push({
        facility,
        visits,
        diagnosis: definition.diagnosis,
        modifiers: sideModifiers(random, definition.laterality),
        cured,
        lingerUntil: cured ? lastVisit : lastVisit + random.int(30, 300),
        uncoded: random.chance(facility.uncodedShare),
        suspicion: suspicion ? { diagnosis: suspicion.diagnosis, outcome: 2 } : null,
        firstVisit,
        followUp: [...definition.followUp],
      });
    }
  }

  for (const course of conditions) {
    const earliestSurgery = Math.max(start, course.onset + 30);
    if (course.definition.key === 'cataract' && earliestSurgery < end && random.chance(0.15)) {
      episodes.push(cataractSurgery(course, offSunday(random.int(earliestSurgery, end))));
    }
  }

  for (const course of conditions) {
    const facility = facilityFor(course.definition.department, city);
    let track = tracks.find((candidate) => candidate.facility === facility);
    if (!track) {
      track = { facility, conditions: [], cadence: 1, fortnightly: false, phase: 0, preferredDay: random.int(2, 26), from: start };
      tracks.push(track);
    }
    track.conditions.push(course);
  }
  for (const track of tracks) {
    if (track.facility.kind === 'hospital') continue;
    const longest = Math.min(...track.conditions.map((course) => course.definition.maxCadence));
    track.cadence = longest > 1 && random.chance(longest === 3 ? 0.7 : 0.35) ? longest : 1;
    track.fortnightly = track.cadence === 1 && track.facility.kind === 'clinic' && random.chance(0.12);
    track.phase = random.int(0, track.cadence - 1);
  }
  return { person, tracks, episodes, stays };
}

/**
 * Cancer, rarely: a clinic suspects it (疑い, 転帰 4 on referral), the hospital
 * confirms it at an outpatient visit, operates during a stay and follows up.
 */
function planCancer(
  person: Person,
  random: Random,
  ageAtStart: number,
  start: number,
  end: number,
  episodes: EpisodeCourse[],
  addStay: (definition: StayDefinition, admission: number) => PlannedStay | null,
  tracks: CareTrack[],
): void {
  const periodShare = (end - start) / 730;
  if (ageAtStart < 50 || !random.chance(0.02 * periodShare * (person.sex === 1 ? 1.3 : 1))) return;
  const definition =
    person.sex === 1
      ? random.weighted([[cancerStays.gastric, 35], [cancerStays.colorectal, 35], [cancerStays.lung, 30]] as const)
      : random.weighted([[cancerStays.breast, 40], [cancerStays.colorectal, 35], [cancerStays.gastric, 15], [cancerStays.lung, 10]] as const);
  const city = person.household.city;
  const suspected = offSunday(random.int(start, Math.max(start, end - 90)));
  const consult = offSunday(suspected + random.int(7, 14));
  const admission = consult + random.int(10, 25);
  const stay = addStay(definition, admission);
  if (!stay) return;
  const hospital = stay.hospital;
  const referral: Record<string, { facility: Facility; orders: Order[] }> = {
    gastricCancer: { facility: facilityFor('gastro', city), orders: [{ kind: 'tests', items: [vocab.gastroscopy] }] },
    colorectalCancer: { facility: facilityFor('internal', city), orders: [{ kind: 'tests', items: [vocab.cea, vocab.cbc] }] },
    lungCancer: { facility: facilityFor('internal', city), orders: [{ kind: 'imaging', study: 'xray' }] },
  };
  const clinic = referral[definition.key];
  if (clinic) {
    episodes.push({
      facility: clinic.facility,
      visits: [suspected],
      diagnosis: null,
      modifiers: [],
      cured: false,
      lingerUntil: suspected,
      uncoded: false,
      suspicion: { diagnosis: definition.diagnosis, outcome: 4 },
      firstVisit: clinic.orders,
      followUp: [],
    });
  }
  episodes.push({
    facility: hospital,
    visits: [consult],
    diagnosis: definition.diagnosis,
    modifiers: [],
    cured: false,
    lingerUntil: consult,
    uncoded: false,
    suspicion: null,
    firstVisit: [
      { kind: 'tests', items: [...definition.admissionTests, vocab.ecg] },
      { kind: 'imaging', study: 'ct' },
    ],
    followUp: [],
  });
  tracks.push({
    facility: hospital,
    conditions: [{ definition: cancerFollowUp, diagnosis: definition.diagnosis, modifiers: [], onset: consult, regimen: [], testPhase: 0 }],
    cadence: 2,
    fortnightly: false,
    phase: 0,
    preferredDay: random.int(2, 26),
    from: stay.discharge + random.int(10, 20),
  });
}

function cataractSurgery(course: ConditionCourse, day: number): EpisodeCourse {
  const v = vocab;
  return {
    facility: clinics.eye,
    visits: [day, offSunday(day + 1), offSunday(day + 7)],
    diagnosis: course.diagnosis,
    modifiers: course.modifiers,
    cured: false,
    lingerUntil: day,
    uncoded: false,
    suspicion: null,
    firstVisit: [
      {
        kind: 'procedure',
        practice: '50',
        procedure: v.cataractSurgery,
        drugs: [
          { drug: v.lidocaineEyeDrops, amount: 1 },
          { drug: v.mydrinP, amount: 1 },
          { drug: v.oxiglutatione, amount: 1 },
          { drug: v.viscoat, amount: 1 },
          { drug: v.benoxil, amount: 1 },
        ],
      },
      {
        kind: 'prescription',
        preparations: preparationsFor([external(v.levofloxacinEyeDrops, 5, usages.eyeDropsFourTimes), external(v.fluorometholone, 5, usages.eyeDropsFourTimes)], 28),
      },
    ],
    followUp: [{ kind: 'tests', items: [v.slitLamp, v.visualAcuity] }],
  };
}

/** The chronic diagnoses a person has on `day` (a DPC receipt's 入院時併存傷病名). */
export function conditionsAt(plan: CarePlan, day: number): VocabularyEntry[] {
  return plan.tracks.flatMap((track) => track.conditions.filter((course) => course.onset <= day).map((course) => course.diagnosis));
}

/** Whether `day` falls in one of the plan's hospital stays (no outpatient visits then). */
function inHospital(plan: CarePlan, day: number): boolean {
  for (const stay of plan.stays) if (day >= stay.admission && day <= stay.discharge) return true;
  return false;
}

/** The outpatient care of one month, facility by facility. */
export function facilityMonths(plan: CarePlan, month: Month, seed: number): FacilityMonth[] {
  const monthEnd = month.firstDay + month.length - 1;
  const result: FacilityMonth[] = [];
  const forFacility = (facility: Facility): FacilityMonth => {
    let entry = result.find((candidate) => candidate.facility === facility);
    if (!entry) {
      entry = { facility, diagnoses: [], encounters: [] };
      result.push(entry);
    }
    return entry;
  };
  const addEncounter = (entry: FacilityMonth, day: number, initial: boolean, orders: readonly Order[]) => {
    const existing = entry.encounters.find((encounter) => encounter.day === day);
    if (existing) {
      existing.initial ||= initial;
      existing.orders.push(...orders);
    } else {
      entry.encounters.push({ day, initial, orders: [...orders] });
    }
  };

  plan.tracks.forEach((track, trackIndex) => {
    const active = track.conditions.filter((course) => course.onset <= monthEnd);
    if (active.length === 0) return;
    const days = trackVisitDays(plan, track, active, month, seed, trackIndex);
    if (days.length === 0) return;
    const entry = forFacility(track.facility);
    for (const course of active) {
      entry.diagnoses.push({ entry: course.diagnosis, modifiers: course.modifiers, start: course.onset, outcome: 1, main: false, uncoded: false });
    }
    days.forEach((day, visitIndex) => {
      const initial = active.every((course) => course.onset >= day) && active.some((course) => course.onset === day);
      addEncounter(entry, day, initial, chronicVisitOrders(track, active, month, visitIndex));
    });
  });

  for (const episode of plan.episodes) {
    const visits = episode.visits.filter((day) => day >= month.firstDay && day <= monthEnd && !inHospital(plan, day));
    if (visits.length === 0) continue;
    const entry = forFacility(episode.facility);
    const firstVisit = episode.visits[0] ?? 0;
    const lastVisit = episode.visits[episode.visits.length - 1] ?? 0;
    if (episode.diagnosis && !entry.diagnoses.some((diagnosis) => diagnosis.entry === episode.diagnosis && diagnosis.outcome === 1)) {
      const cured = episode.cured && lastVisit <= monthEnd;
      entry.diagnoses.push({
        entry: episode.diagnosis,
        modifiers: episode.modifiers,
        start: firstVisit,
        outcome: cured ? 2 : 1,
        main: false,
        uncoded: episode.uncoded,
      });
    }
    if (episode.suspicion) {
      const closingVisit = episode.suspicion.outcome === 4 ? firstVisit : (episode.visits[1] ?? firstVisit);
      entry.diagnoses.push({
        entry: episode.suspicion.diagnosis,
        modifiers: [...episode.modifiers, vocab.suspected],
        start: firstVisit,
        outcome: closingVisit <= monthEnd ? episode.suspicion.outcome : 1,
        main: false,
        uncoded: episode.uncoded,
      });
    }
    const followed = plan.tracks.some(
      (track) => track.facility === episode.facility && track.conditions.some((course) => course.onset < firstVisit),
    );
    for (const day of visits) {
      addEncounter(entry, day, day === firstVisit && !followed, day === firstVisit ? episode.firstVisit : episode.followUp);
    }
  }

  for (const episode of plan.episodes) {
    const lastVisit = episode.visits[episode.visits.length - 1] ?? 0;
    if (!episode.diagnosis || lastVisit >= month.firstDay || episode.lingerUntil < month.firstDay) continue;
    const entry = result.find((candidate) => candidate.facility === episode.facility);
    if (!entry || entry.diagnoses.some((diagnosis) => diagnosis.entry === episode.diagnosis)) continue;
    entry.diagnoses.push({
      entry: episode.diagnosis,
      modifiers: episode.modifiers,
      start: episode.visits[0] ?? lastVisit,
      outcome: 1,
      main: false,
      uncoded: episode.uncoded,
    });
  }

  for (const entry of result) {
    entry.encounters.sort((a, b) => a.day - b.day);
    const main = entry.diagnoses.find((diagnosis) => !diagnosis.modifiers.includes(vocab.suspected)) ?? entry.diagnoses[0];
    if (main) main.main = true;
  }
  return result.filter((entry) => entry.encounters.length > 0);
}

function trackVisitDays(plan: CarePlan, track: CareTrack, active: readonly ConditionCourse[], month: Month, seed: number, trackIndex: number): number[] {
  const monthEnd = month.firstDay + month.length - 1;
  if (monthEnd < track.from) return [];
  const noise = hash32(seed, STREAM_VISIT, plan.person.index, month.index, trackIndex);
  const onsets = active.filter((course) => course.onset >= month.firstDay).map((course) => course.onset);
  let first: number;
  if (onsets.length > 0) {
    first = Math.min(...onsets);
  } else {
    if ((month.index + track.phase) % track.cadence !== 0) return [];
    const jitter = (noise % 7) - 3;
    first = month.firstDay + Math.min(month.length - 1, Math.max(0, track.preferredDay - 1 + jitter));
    first = Math.max(first, track.from);
  }
  first = offSunday(first);
  let most = 1;
  let fewest = 1;
  for (const course of active) {
    most = Math.max(most, course.definition.visitsPerMonth[1]);
    fewest = Math.max(fewest, course.definition.visitsPerMonth[0]);
  }
  const count = track.fortnightly ? 2 : fewest + ((noise >>> 8) % (most - fewest + 1));
  const interval = track.fortnightly ? 14 : 7;
  if (track.fortnightly) first = Math.min(first, offSunday(month.firstDay + 1 + (noise % 5)));
  const days: number[] = [];
  for (let day = first; days.length < count && day <= monthEnd; day = offSunday(day + interval)) {
    if (!inHospital(plan, day)) days.push(day);
  }
  return days;
}

function due(course: ConditionCourse, everyMonths: number, month: Month, cadence: number): boolean {
  return (month.index + course.testPhase) % everyMonths < cadence;
}

function chronicVisitOrders(track: CareTrack, active: readonly ConditionCourse[], month: Month, visitIndex: number): Order[] {
  const orders: Order[] = [];
  for (const course of active) {
    const procedure = course.definition.procedure;
    if (procedure) orders.push({ kind: 'procedure', practice: procedure.practice, procedure: procedure.procedure, drugs: procedure.drugs });
  }
  const managements = new Set(active.map((course) => course.definition.management));
  if (managements.has('specific') && !managements.has('lifestyle') && track.fortnightly) {
    orders.push({ kind: 'management', fee: vocab.specificDiseaseManagement });
  }
  const drugs = [...new Map(active.flatMap((course) => course.regimen).map((order) => [order.drug, order])).values()];
  if (track.fortnightly && drugs.length > 0) orders.push({ kind: 'prescription', preparations: preparationsFor(drugs, 14) });
  if (visitIndex > 0) return orders;

  if (managements.has('tumorMarker')) orders.push({ kind: 'management', fee: vocab.tumorMarkerManagement });
  else if (managements.has('lifestyle')) orders.push({ kind: 'management', fee: vocab.lifestyleDiseaseManagement2 });
  else if (managements.has('specific') && !track.fortnightly) orders.push({ kind: 'management', fee: vocab.specificDiseaseManagement });

  const tests = new Set<VocabularyEntry>();
  const imaging = new Set<ImagingStudy>();
  for (const course of active) {
    for (const scheduled of course.definition.tests) {
      if (due(course, scheduled.everyMonths, month, track.cadence)) for (const item of scheduled.items) tests.add(item);
    }
    for (const scheduled of course.definition.imaging) {
      if (due(course, scheduled.everyMonths, month, track.cadence)) imaging.add(scheduled.study);
    }
  }
  if (tests.size > 0) orders.push({ kind: 'tests', items: [...tests] });
  for (const study of imaging) orders.push({ kind: 'imaging', study });
  if (!track.fortnightly && drugs.length > 0) orders.push({ kind: 'prescription', preparations: preparationsFor(drugs, 28 * track.cadence) });
  return orders;
}
