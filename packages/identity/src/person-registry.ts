import { randomUUID } from 'node:crypto';
import type { Db, ServerKeys } from '@renkei/store';
import { encryptField } from './field-crypto.js';
import type { IdentityCache, StoredEnrollment } from './identity-cache.js';
import { birthDateHash, holderKeyHash, normalizeKeyPart, type Member } from './member-key.js';

/** A person as one receipt shows them. */
export interface PersonObservation extends Member {
  name: string;
  kana: string | null;
  /** YYYY-MM: the month the receipt is for. */
  serviceMonth: string;
  /** memberKeyHash of the observation (the caller has it already: it derives the receipt's pseudonym). */
  memberHash: string;
  /** nameHash of the name without surrounding blanks; '' when there is no name. */
  nameHash: string;
}

interface Enrollment {
  memberHash: string;
  personId: string;
  /** The earliest receipt of this batch that shows the enrollment. */
  observation: PersonObservation;
  firstMonth: string;
  /** Each spelling of the name in this batch, with the earliest month it appears in. */
  names: Map<string, { observation: PersonObservation; month: string }>;
  /** As stored before this batch; undefined for an enrollment seen for the first time. */
  stored?: StoredEnrollment;
}

/**
 * Finds or registers the persons behind a batch of receipts, in bulk. A batch
 * of persons already known costs one query; writes (and encryption) happen only
 * for what is new: a person, an enrollment, a spelling of a name, or an earlier
 * month than the one stored. Use it inside the ingest's identity transaction.
 */
export class PersonRegistry {
  constructor(
    private readonly db: Db,
    private readonly keys: ServerKeys,
    private readonly cache: IdentityCache,
  ) {}

  /** Registers whatever the observations show that the identity store does not hold yet. */
  async register(observations: readonly PersonObservation[]): Promise<void> {
    const enrollments = new Map<string, Enrollment>();
    for (const o of observations) {
      const memberHash = o.memberHash;
      const month = `${o.serviceMonth}-01`;
      let e = enrollments.get(memberHash);
      if (!e) {
        e = { memberHash, personId: '', observation: o, firstMonth: month, names: new Map() };
        enrollments.set(memberHash, e);
      } else if (month < e.firstMonth) {
        e.firstMonth = month;
        e.observation = o;
      }
      if (o.nameHash !== '') {
        const seen = e.names.get(o.nameHash);
        if (!seen || month < seen.month) e.names.set(o.nameHash, { observation: o, month });
      }
    }
    // What this run knows to be stored already needs no query.
    const all = [...enrollments.values()].filter((e) => !this.cache.covers(e.memberHash, e.firstMonth, [...e.names].map(([hash, { month }]) => [hash, month])));
    if (all.length === 0) return;

    const { rows } = await this.db.query<{ member_key_hash: string; person_id: string; first: string; names: string[] }>(
      `SELECT e.member_key_hash, e.person_id, to_char(e.first_service_month, 'YYYY-MM-DD') AS first,
              array_remove(array_agg(n.name_hash || ' ' || to_char(n.first_service_month, 'YYYY-MM-DD')), NULL) AS names
         FROM enrollments e LEFT JOIN person_names n ON n.person_id = e.person_id
        WHERE e.member_key_hash = ANY($1::text[])
        GROUP BY e.member_key_hash, e.person_id, e.first_service_month`,
      [all.map((e) => e.memberHash)],
    );
    for (const row of rows) {
      const e = enrollments.get(row.member_key_hash)!;
      e.personId = row.person_id;
      e.stored = { firstMonth: row.first, names: new Map(row.names.map((n) => n.split(' ') as [string, string])) };
    }

    const fresh = all.filter((e) => !e.stored);
    await this.insertPersons(await this.matchHolders(fresh));
    await this.upsertEnrollments(all.filter((e) => !e.stored || e.firstMonth < e.stored.firstMonth));
    await this.upsertNames(all);
    for (const e of all) {
      const names = new Map(e.stored?.names);
      for (const [hash, { month }] of e.names) if (!names.has(hash) || month < names.get(hash)!) names.set(hash, month);
      this.cache.record(e.memberHash, { firstMonth: e.stored && e.stored.firstMonth < e.firstMonth ? e.stored.firstMonth : e.firstMonth, names });
    }
  }

  /**
   * An enrollment seen for the first time may still be a known person: a receipt
   * with 枝番 for a card first seen without one, or the reverse when only one
   * person holds that card with that birth date and sex. Otherwise: a new person.
   */
  private async matchHolders(unmatched: Enrollment[]): Promise<Enrollment[]> {
    if (unmatched.length === 0) return [];
    const holderOf = new Map(unmatched.map((e) => [e, holderKeyHash(this.keys.lookup, e.observation)]));
    // One index probe per card: a filter over the whole table, which the planner
    // picks while the table is young, costs as much as the table has rows, per card.
    const { rows } = await this.db.query<{ holder_key_hash: string; person_id: string; branch: string }>(
      `SELECT e.holder_key_hash, e.person_id, e.branch
         FROM unnest($1::text[]) AS h(hash)
         CROSS JOIN LATERAL (SELECT holder_key_hash, person_id, branch FROM enrollments WHERE holder_key_hash = h.hash OFFSET 0) e`,
      [[...new Set(holderOf.values())]],
    );
    const byHolder = new Map<string, Array<{ personId: string; branch: string }>>();
    for (const row of rows) pushTo(byHolder, row.holder_key_hash, { personId: row.person_id, branch: row.branch });
    const created: Enrollment[] = [];
    for (const enrollment of unmatched) {
      const holder = holderOf.get(enrollment)!;
      const branch = normalizeKeyPart(enrollment.observation.branch);
      const candidates = byHolder.get(holder) ?? [];
      const match = branch !== '' ? candidates.filter((c) => c.branch === '') : candidates;
      const persons = new Set(match.map((c) => c.personId));
      if (persons.size === 1) {
        enrollment.personId = [...persons][0]!;
      } else {
        enrollment.personId = randomUUID();
        created.push(enrollment);
      }
      // Later enrollments in this batch see this one.
      pushTo(byHolder, holder, { personId: enrollment.personId, branch });
    }
    return created;
  }

  private async insertPersons(created: Enrollment[]): Promise<void> {
    if (created.length === 0) return;
    const { encryption, lookup } = this.keys;
    await this.db.query(
      `INSERT INTO persons (id, sex, birth_date_enc, birth_date_hash)
       SELECT id, sex, decode(enc, 'hex'), hash FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[]) AS t(id, sex, enc, hash)`,
      [
        created.map((e) => e.personId),
        created.map((e) => e.observation.sex),
        created.map((e) => encryptField(encryption, e.observation.birthDate).toString('hex')),
        created.map((e) => birthDateHash(lookup, e.observation.birthDate)),
      ],
    );
  }

  /** New enrollments, and known ones seen in an earlier month than stored (late or re-sent receipts). */
  private async upsertEnrollments(changed: Enrollment[]): Promise<void> {
    if (changed.length === 0) return;
    const { encryption, lookup } = this.keys;
    const { rows } = await this.db.query<{ member_key_hash: string; person_id: string }>(
      `INSERT INTO enrollments (id, person_id, member_key_hash, holder_key_hash, insurer_number, symbol_enc, number_enc, branch, first_service_month)
       SELECT gen_random_uuid(), person_id, member_hash, holder_hash, insurer, decode(symbol, 'hex'), decode(number, 'hex'), branch, first_month
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[])
           AS t(person_id, member_hash, holder_hash, insurer, symbol, number, branch, first_month)
       ON CONFLICT (member_key_hash) DO UPDATE SET first_service_month = EXCLUDED.first_service_month
         WHERE enrollments.first_service_month > EXCLUDED.first_service_month
       RETURNING member_key_hash, person_id`,
      [
        changed.map((e) => e.personId),
        changed.map((e) => e.memberHash),
        changed.map((e) => holderKeyHash(lookup, e.observation)),
        changed.map((e) => normalizeKeyPart(e.observation.insurerNumber)),
        changed.map((e) => encryptField(encryption, normalizeKeyPart(e.observation.symbol)).toString('hex')),
        changed.map((e) => encryptField(encryption, normalizeKeyPart(e.observation.number)).toString('hex')),
        changed.map((e) => normalizeKeyPart(e.observation.branch)),
        changed.map((e) => e.firstMonth),
      ],
    );
    const byHash = new Map(changed.map((e) => [e.memberHash, e]));
    for (const row of rows) byHash.get(row.member_key_hash)!.personId = row.person_id;
    // A new enrollment that another ingest registered meanwhile: its person wins.
    const returned = new Set(rows.map((r) => r.member_key_hash));
    const lost = changed.filter((e) => !e.stored && !returned.has(e.memberHash));
    if (lost.length === 0) return;
    const winners = await this.db.query<{ member_key_hash: string; person_id: string }>(
      'SELECT member_key_hash, person_id FROM enrollments WHERE member_key_hash = ANY($1::text[])',
      [lost.map((e) => e.memberHash)],
    );
    for (const row of winners.rows) byHash.get(row.member_key_hash)!.personId = row.person_id;
  }

  /** Spellings not stored yet, or seen earlier than stored; the one that appeared last is the current name. */
  private async upsertNames(all: Enrollment[]): Promise<void> {
    const { encryption } = this.keys;
    const changed = new Map<string, { personId: string; hash: string; observation: PersonObservation; month: string }>();
    for (const e of all) {
      for (const [hash, { observation, month }] of e.names) {
        const stored = e.stored?.names.get(hash);
        if (stored !== undefined && stored <= month) continue;
        const key = `${e.personId} ${hash}`;
        const seen = changed.get(key);
        if (!seen || month < seen.month) changed.set(key, { personId: e.personId, hash, observation, month });
      }
    }
    if (changed.size === 0) return;
    const rows = [...changed.values()];
    await this.db.query(
      `INSERT INTO person_names (person_id, name_hash, kana_hash, name_enc, kana_enc, first_service_month)
       SELECT person_id, name_hash, kana_hash, decode(name_enc, 'hex'), decode(kana_enc, 'hex'), month
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[]) AS t(person_id, name_hash, kana_hash, name_enc, kana_enc, month)
       ON CONFLICT (person_id, name_hash) DO UPDATE SET first_service_month = EXCLUDED.first_service_month
         WHERE person_names.first_service_month > EXCLUDED.first_service_month`,
      [
        rows.map((r) => r.personId),
        rows.map((r) => r.hash),
        rows.map((r) => (r.observation.kana ? this.cache.nameHash(r.observation.kana) : null)),
        rows.map((r) => encryptField(encryption, r.observation.name.trim()).toString('hex')),
        rows.map((r) => (r.observation.kana ? encryptField(encryption, r.observation.kana).toString('hex') : null)),
        rows.map((r) => r.month),
      ],
    );
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
