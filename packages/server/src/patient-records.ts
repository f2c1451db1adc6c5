/**
 * A patient's records as one caller may read them. Built only from an open
 * patient access of the caller's own session (card presented, on this terminal,
 * not expired), by a licensed clinician; every read is audited. Routes get
 * patient data through this and nothing else.
 */
import { myNumberBinding } from '@renkei/access';
import type { PatientDetail, PatientHistory, PatientSummary } from '@renkei/api';
import { COVID_RISK_GROUPS, matchDiseaseGroups, readHistory, type PersonHistory } from '@renkei/history';
import { renderSummaryPdf } from '@renkei/documents';
import { personPseudonym, type PersonRecord } from '@renkei/identity';
import type { FastifyRequest } from 'fastify';
import { accessNotFound } from './errors.js';
import { auditRequest, requireClinician } from './gate.js';
import type { ResolvedOptions } from './options.js';

export interface PatientRecords {
  /** The summary as the JSON the API answers: made once per cached history and person, then reused. */
  summaryJson(): Promise<string>;
  /** The summary as an A4 PDF (BIZ UDGothic). */
  summaryPdf(): Promise<Buffer>;
  history(filter: { from?: string | undefined; to?: string | undefined; facility?: string | undefined }): Promise<PatientHistory>;
  detail(): Promise<PatientDetail>;
  /** Reads the whole history for a search, auditing it as `action`. */
  search<T>(action: string, detail: Record<string, unknown>, run: (history: PersonHistory, person: Person) => T): Promise<T>;
}

export interface Person {
  sex: 'male' | 'female';
  age: number;
  birthYear: number;
  name: string | null;
  kana: string | null;
}

/** Summary JSON per cached history object (dropped with it), then per person as shown. */
const SUMMARY_JSON = new WeakMap<PersonHistory, Map<string, string>>();

export async function openPatientRecords(request: FastifyRequest, options: ResolvedOptions, accessId: string): Promise<PatientRecords> {
  const session = requireClinician(request);
  // The gate asked already, with the terminal and the session (patient-data routes all carry the access id).
  const checked = request.patientAccess;
  const access = checked?.id === accessId ? checked.open : undefined;
  if (!access) {
    await auditRequest(request, options, { action: 'patient.read', outcome: 'refused', detail: { reason: 'no open access' } });
    throw accessNotFound();
  }
  const { identity, clinical } = options.stores;
  const pseudonym = personPseudonym(options.keys.pseudonym, access.personId);
  const audited = async <T>(action: string, detail: Record<string, unknown>, read: () => Promise<T>): Promise<T> => {
    const result = await read();
    await auditRequest(request, options, { action, pseudonym, outcome: 'allowed', detail });
    return result;
  };
  // The person once per request; their history from the pseudonyms of all their enrollments.
  let record: Promise<PersonRecord> | undefined;
  const personRecord = () =>
    (record ??= options.persons.read(access.personId).then((r) => {
      if (!r) throw accessNotFound();
      return r;
    }));
  const history = async () => {
    const { pseudonyms } = await personRecord();
    return options.histories.read(pseudonyms, () => readHistory(clinical, pseudonyms, options.masters));
  };
  const person = async (): Promise<Person> => {
    const r = await personRecord();
    return { sex: r.sex === 1 ? 'male' : 'female', age: ageOn(r.birthDate, new Date()), birthYear: Number(r.birthDate.slice(0, 4)), name: r.name, kana: r.kana };
  };
  const summary = async (): Promise<PatientSummary> => {
    const [h, p] = await Promise.all([history(), person()]);
    return summaryOf(h, p);
  };
  const summaryOf = (h: PersonHistory, p: Person): PatientSummary => {
    const months = [...h.diagnoses.flatMap((d) => [d.firstMonth, d.lastMonth]), ...[...h.medications, ...h.procedures, ...h.tests].flatMap((i) => i.months)].sort();
    return {
      patient: p,
      period: { from: months[0] ?? null, to: months.at(-1) ?? null },
      ...h,
      riskFlags: matchDiseaseGroups(h, p, COVID_RISK_GROUPS),
    };
  };

  // A summary is a pure function of the history (kept while it is current) and the person: its JSON is made once.
  const summaryJson = async (): Promise<string> => {
    const [h, p] = await Promise.all([history(), person()]);
    let byPerson = SUMMARY_JSON.get(h);
    if (!byPerson) SUMMARY_JSON.set(h, (byPerson = new Map()));
    const personKey = JSON.stringify(p);
    let json = byPerson.get(personKey);
    if (json === undefined) byPerson.set(personKey, (json = JSON.stringify(summaryOf(h, p))));
    return json;
  };

  return {
    summaryJson: () => audited('patient.summary', {}, summaryJson),
    summaryPdf: () =>
      audited('patient.summary.pdf', {}, async () =>
        renderSummaryPdf(await summary(), { printedAt: new Date(), facilityName: session.user.facilityName, userName: session.user.displayName }),
      ),
    history: (filter) =>
      audited('patient.history', { filter }, async () => {
        const h = await history();
        const inPeriod = (months: string[]) => months.some((m) => (!filter.from || m >= filter.from) && (!filter.to || m <= filter.to));
        const atFacility = (facilities: Array<{ code: string }>) => !filter.facility || facilities.some((f) => f.code === filter.facility);
        const facilities = new Map<string, { code: string; name: string | null }>();
        for (const item of [...h.diagnoses.flatMap((d) => d.facilities), ...h.medications.flatMap((m) => [...m.prescribers, ...m.dispensers]), ...[...h.procedures, ...h.tests].flatMap((a) => a.facilities)]) {
          facilities.set(item.code, item);
        }
        return {
          diagnoses: h.diagnoses.filter((d) => inPeriod([d.firstMonth, d.lastMonth]) && atFacility(d.facilities)),
          medications: h.medications.filter((m) => inPeriod(m.months) && atFacility([...m.prescribers, ...m.dispensers])),
          procedures: h.procedures.filter((a) => inPeriod(a.months) && atFacility(a.facilities)),
          tests: h.tests.filter((a) => inPeriod(a.months) && atFacility(a.facilities)),
          facilities: [...facilities.values()].sort((a, b) => a.code.localeCompare(b.code)),
        };
      }),
    detail: () =>
      audited('patient.detail', {}, async () => {
        const p = await person();
        const { enrollments } = await personRecord();
        const key = access.key;
        const card = 'cardNumber' in key ? (await identity.query<{ status: string; issued_at: Date | string }>('SELECT status, issued_at FROM cards WHERE card_number = $1', [key.cardNumber])).rows[0] : undefined;
        // The card that opened this access, not whichever the person had bound last.
        const myNumber = 'myNumberFingerprint' in key ? await myNumberBinding(identity, key.myNumberFingerprint) : undefined;
        return {
          ...p,
          enrollments,
          card: 'cardNumber' in key && card ? { number: key.cardNumber, status: card.status, issuedAt: new Date(card.issued_at).toISOString() } : null,
          myNumberCard: myNumber ? { boundAt: myNumber.boundAt.toISOString(), notAfter: myNumber.notAfter.toISOString() } : null,
        };
      }),
    search: (action, detail, run) => audited(action, detail, async () => run(await history(), await person())),
  };
}

/** Age in whole years on `today` (Japan Standard Time). */
export function ageOn(birthDate: string, today: Date): number {
  const jst = new Date(today.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = jst.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
