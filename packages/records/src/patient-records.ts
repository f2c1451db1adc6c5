/**
 * A patient's records as one caller may read them, for the server, the CLI
 * and any export alike. The service checks access and consent and audits
 * every read itself, from the caller's context: no caller can forget a rule.
 * A clinician reads through an open patient access (their card presented, in
 * their session, on this terminal, not expired, not closed, consent standing);
 * the network's operator reads a person's history from the server machine,
 * consent standing; desk staff read the patient's access log, holding the
 * patient's card.
 */
import { cardStatusOf, facilityNames, terminalNames, findPatientAccess, myNumberBinding, readsHistories, Refusal, type AccessLimits, type PatientAccess, type RequestContext } from '@renkei/access';
import type { AccessLog, PatientDetail, PatientHistory, PatientSummary } from '@renkei/api';
import { readPatientTrail, type AuditEvent, type AuditLog } from '@renkei/audit';
import { renderSummaryPdf } from '@renkei/documents';
import { COVID_RISK_GROUPS, filterHistory, findDuplicateTherapy, matchDiseaseGroups, readHistory, type PersonHistory } from '@renkei/history';
import { isConsentWithdrawn, linkedPersonIds, personPseudonym, type PersonRecord } from '@renkei/identity';
import type { MasterLookup } from '@renkei/masters';
import type { ServerKeys, Stores } from '@renkei/store';
import { HistoryCache } from './history-cache.js';
import { PersonCache } from './person-cache.js';

export interface OpenPatientRecords {
  /** The patient access this was opened through. */
  access: PatientAccess;
  /** The summary as the JSON the API answers: made once per cached history and person, then reused. */
  summaryJson(): Promise<string>;
  /** Until when the access is open (it says nothing of the patient, so it is not audited). */
  status(): { expiresAt: string };
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
  /** YYYY-MM-DD, for the identity check in the header. */
  birthDate: string;
  name: string | null;
  kana: string | null;
}

export interface PatientRecordsDeps {
  stores: Stores;
  keys: ServerKeys;
  audit: AuditLog;
  masters: MasterLookup;
  limits: AccessLimits;
}

/** One answer for an unknown access id and a forbidden, expired or closed one: nothing about the patient leaks. */
export const accessNotFound = () =>
  new Refusal('not-found', 'access-not-found', 'no open patient access', '患者の閲覧期限が切れたか、閲覧が許可されていません。カードをもう一度読み取ってください');

/** Summary JSON per cached history object (dropped with it), then per person as shown. */
const SUMMARY_JSON = new WeakMap<PersonHistory, Map<string, string>>();

export class PatientRecords {
  readonly histories: HistoryCache;
  readonly persons: PersonCache;

  constructor(private readonly deps: PatientRecordsDeps) {
    this.histories = new HistoryCache(deps.stores.clinical);
    this.persons = new PersonCache(deps.stores.identity, deps.keys);
  }

  /**
   * The records behind a patient access of the caller's session. `checked` is
   * the access as the gate already found it in its own query (undefined: not
   * open); without it the service asks itself.
   */
  async openAccess(ctx: RequestContext, accessId: string, checked?: { open: PatientAccess | undefined }): Promise<OpenPatientRecords> {
    const session = ctx.session;
    const access =
      session && readsHistories(session.user.role) ? (checked ? checked.open : await findPatientAccess(this.deps.stores.identity, session, accessId)) : undefined;
    if (!access || access.id !== accessId) {
      await this.audit(ctx, { action: 'patient.read', outcome: 'refused', detail: { reason: 'no open access' } });
      throw accessNotFound();
    }
    return this.recordsOf(ctx, access);
  }

  /**
   * A person's history for the network's operator on the server machine
   * (`renkei history`): refused, and audited, when the patient has withdrawn
   * consent, as every other reader is.
   */
  async historyForOperator(ctx: RequestContext, personId: string, detail: Record<string, unknown>): Promise<PersonHistory> {
    const pseudonym = personPseudonym(this.deps.keys.pseudonym, personId);
    if (ctx.actor.role !== 'operator') {
      await this.audit(ctx, { action: 'history.view', pseudonym, outcome: 'refused', detail: { ...detail, reason: 'not the operator' } });
      throw new Refusal('forbidden', 'role-forbidden', 'only the network operator reads histories this way');
    }
    if (await isConsentWithdrawn(this.deps.stores.identity, personId)) {
      await this.audit(ctx, { action: 'history.view', pseudonym, outcome: 'refused', detail: { ...detail, reason: 'consent withdrawn' } });
      throw new Refusal('forbidden', 'consent-withdrawn', 'the patient has withdrawn consent: their history is shown to nobody', 'この患者は情報提供への同意を撤回しているため、履歴は表示できません');
    }
    const record = await this.persons.read(personId);
    if (!record) throw new Refusal('not-found', 'person-not-found', 'no such person');
    const history = await readHistory(this.deps.stores.clinical, record.pseudonyms, this.deps.masters);
    await this.audit(ctx, { action: 'history.view', pseudonym, outcome: 'allowed', detail });
    return history;
  }

  /**
   * Every access to the patient's history and every card issued for them: when,
   * facility, role, terminal, person or process. For the desk, which has
   * identified the patient by their card; the trail of every person linked
   * into this one is this patient's too.
   */
  async accessLog(ctx: RequestContext, personId: string): Promise<AccessLog> {
    const { identity, clinical } = this.deps.stores;
    const pseudonyms = (await linkedPersonIds(identity, personId)).map((id) => personPseudonym(this.deps.keys.pseudonym, id));
    const rows = await readPatientTrail(clinical, pseudonyms);
    const names = await facilityNames(identity, rows.map((r) => r.facility).filter((c): c is string => c !== null));
    const terminals = await terminalNames(identity, rows.map((r) => r.terminal).filter((s): s is string => s !== null));
    await this.audit(ctx, { action: 'access-log.print', pseudonym: personPseudonym(this.deps.keys.pseudonym, personId), outcome: 'allowed', detail: { entries: rows.length } });
    return {
      entries: rows.map((r) => ({
        at: r.at.toISOString(),
        facilityCode: r.facility,
        facilityName: r.facility ? (names.get(r.facility) ?? null) : null,
        role: r.role,
        terminal: r.terminal,
        terminalName: r.terminal ? (terminals.get(r.terminal) ?? null) : null,
        actorKind: r.actorKind,
        action: r.action,
      })),
    };
  }

  /** After a link or unlink: who is who has changed. */
  personsChanged(): void {
    this.persons.clear();
  }

  private audit(ctx: RequestContext, event: AuditEvent): Promise<void> {
    return this.deps.audit.record(ctx.actor, event);
  }

  private recordsOf(ctx: RequestContext, access: PatientAccess): OpenPatientRecords {
    const { identity, clinical } = this.deps.stores;
    const pseudonym = personPseudonym(this.deps.keys.pseudonym, access.personId);
    const audited = async <T>(action: string, detail: Record<string, unknown>, read: () => Promise<T>): Promise<T> => {
      const result = await read();
      await this.audit(ctx, { action, pseudonym, outcome: 'allowed', detail });
      return result;
    };
    // The person once per request; their history from the pseudonyms of all their enrollments.
    let record: Promise<PersonRecord> | undefined;
    const personRecord = () =>
      (record ??= this.persons.read(access.personId).then((r) => {
        if (!r) throw accessNotFound();
        return r;
      }));
    const history = async () => {
      const { pseudonyms } = await personRecord();
      return this.histories.read(pseudonyms, () => readHistory(clinical, pseudonyms, this.deps.masters));
    };
    const person = async (): Promise<Person> => {
      const r = await personRecord();
      return { sex: r.sex === 1 ? 'male' : 'female', age: ageOn(r.birthDate, new Date()), birthYear: Number(r.birthDate.slice(0, 4)), birthDate: r.birthDate, name: r.name, kana: r.kana };
    };
    const summaryOf = (h: PersonHistory, p: Person): PatientSummary => {
      return { patient: p, ...h, riskFlags: matchDiseaseGroups(h, p, COVID_RISK_GROUPS), duplicates: findDuplicateTherapy(h.medications) };
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
    const user = ctx.session!.user;

    return {
      access,
      summaryJson: () => audited('patient.summary', {}, summaryJson),
      status: () => ({ expiresAt: access.expiresAt.toISOString() }),
      summaryPdf: () =>
        audited('patient.summary.pdf', {}, async () => {
          const [h, p] = await Promise.all([history(), person()]);
          return renderSummaryPdf(summaryOf(h, p), { printedAt: new Date(), facilityName: user.facilityName, userName: user.displayName });
        }),
      history: (filter) =>
        audited('patient.history', { filter }, async () => {
          const h = await history();
          const facilities = new Map<string, { code: string; name: string | null }>();
          for (const item of [...h.diagnoses.flatMap((d) => d.facilities), ...h.medications.flatMap((m) => [...m.prescribers, ...m.dispensers]), ...[...h.procedures, ...h.tests].flatMap((a) => a.facilities)]) {
            facilities.set(item.code, item);
          }
          return { ...filterHistory(h, filter), facilities: [...facilities.values()].sort((a, b) => a.code.localeCompare(b.code)) };
        }),
      detail: () =>
        audited('patient.detail', {}, async () => {
          const p = await person();
          const { enrollments } = await personRecord();
          const key = access.key;
          const card = 'cardNumber' in key ? await cardStatusOf(identity, key.cardNumber) : undefined;
          // The card that opened this access, not whichever the person had bound last.
          const myNumber = 'myNumberFingerprint' in key ? await myNumberBinding(identity, key.myNumberFingerprint) : undefined;
          return {
            ...p,
            enrollments,
            card: 'cardNumber' in key && card ? { number: key.cardNumber, status: card.status, issuedAt: card.issuedAt.toISOString() } : null,
            myNumberCard: myNumber ? { boundAt: myNumber.boundAt.toISOString(), notAfter: myNumber.notAfter.toISOString() } : null,
          };
        }),
      search: (action, detail, run) => audited(action, detail, async () => run(await history(), await person())),
    };
  }
}

/** Age in whole years on `today` (Japan Standard Time). */
export function ageOn(birthDate: string, today: Date): number {
  const jst = new Date(today.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = jst.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
