import { randomUUID } from 'node:crypto';
import type { Db, ServerKeys } from '@renkei/store';
import { encryptField } from './field-crypto.js';
import { birthDateHash, holderKeyHash, memberKeyHash, nameHash, normalizeKeyPart, type Member } from './member-key.js';

/** A person as one receipt shows them. */
export interface PersonObservation extends Member {
  name: string;
  kana: string | null;
  /** YYYY-MM: the month the receipt is for. */
  serviceMonth: string;
}

interface Enrollment {
  memberHash: string;
  personId: string;
  /** The latest receipt's view of the person: its name is the current one. */
  observation: PersonObservation;
  firstMonth: string;
  lastMonth: string;
  /** As stored before this batch; undefined for an enrollment seen for the first time. */
  stored?: { firstMonth: string; lastMonth: string };
}

/**
 * Finds or registers the persons behind a batch of receipts, in bulk: a few
 * queries per batch whatever its size, and writes (and encryption) only for
 * what is new: a new person, enrollment or name, or a month range that grows.
 * Use it inside the ingest's identity transaction.
 */
export class PersonRegistry {
  constructor(
    private readonly db: Db,
    private readonly keys: ServerKeys,
  ) {}

  /** The person id of each observation, in order. */
  async resolve(observations: readonly PersonObservation[]): Promise<string[]> {
    const enrollments = new Map<string, Enrollment>();
    const memberHashes = observations.map((o) => {
      const memberHash = memberKeyHash(this.keys.lookup, o);
      const month = `${o.serviceMonth}-01`;
      const seen = enrollments.get(memberHash);
      if (!seen) enrollments.set(memberHash, { memberHash, personId: '', observation: o, firstMonth: month, lastMonth: month });
      else {
        if (month < seen.firstMonth) seen.firstMonth = month;
        if (month >= seen.lastMonth) {
          seen.lastMonth = month;
          seen.observation = o;
        }
      }
      return memberHash;
    });
    const all = [...enrollments.values()];

    const existing = await this.db.query<{ member_key_hash: string; person_id: string; first: string; last: string }>(
      `SELECT member_key_hash, person_id, to_char(first_service_month, 'YYYY-MM-DD') AS first, to_char(last_service_month, 'YYYY-MM-DD') AS last
         FROM enrollments WHERE member_key_hash = ANY($1::text[])`,
      [all.map((e) => e.memberHash)],
    );
    for (const row of existing.rows) {
      const e = enrollments.get(row.member_key_hash)!;
      e.personId = row.person_id;
      e.stored = { firstMonth: row.first, lastMonth: row.last };
    }

    const fresh = all.filter((e) => !e.stored);
    const newPersons = await this.matchHolders(fresh);
    await this.insertPersons(newPersons);
    await this.insertEnrollments(fresh);
    await this.widenEnrollments(all.filter((e) => e.stored && (e.firstMonth < e.stored.firstMonth || e.lastMonth > e.stored.lastMonth)));
    await this.recordNames(all);
    return memberHashes.map((hash) => enrollments.get(hash)!.personId);
  }

  /**
   * An enrollment seen for the first time may still be a known person: a receipt
   * with 枝番 for a card first seen without one, or the reverse when only one
   * person holds that card with that birth date and sex. Otherwise: a new person.
   */
  private async matchHolders(unmatched: Enrollment[]): Promise<Enrollment[]> {
    if (unmatched.length === 0) return [];
    const holderOf = new Map(unmatched.map((e) => [e, holderKeyHash(this.keys.lookup, e.observation)]));
    const { rows } = await this.db.query<{ holder_key_hash: string; person_id: string; branch: string }>(
      'SELECT holder_key_hash, person_id, branch FROM enrollments WHERE holder_key_hash = ANY($1::text[])',
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

  private async insertEnrollments(fresh: Enrollment[]): Promise<void> {
    if (fresh.length === 0) return;
    const { encryption, lookup } = this.keys;
    const { rows } = await this.db.query<{ member_key_hash: string }>(
      `INSERT INTO enrollments (id, person_id, member_key_hash, holder_key_hash, insurer_number, symbol_enc, number_enc, branch, first_service_month, last_service_month)
       SELECT gen_random_uuid(), person_id, member_hash, holder_hash, insurer, decode(symbol, 'hex'), decode(number, 'hex'), branch, first_month, last_month
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[])
           AS t(person_id, member_hash, holder_hash, insurer, symbol, number, branch, first_month, last_month)
       ON CONFLICT (member_key_hash) DO NOTHING
       RETURNING member_key_hash`,
      [
        fresh.map((e) => e.personId),
        fresh.map((e) => e.memberHash),
        fresh.map((e) => holderKeyHash(lookup, e.observation)),
        fresh.map((e) => normalizeKeyPart(e.observation.insurerNumber)),
        fresh.map((e) => encryptField(encryption, normalizeKeyPart(e.observation.symbol)).toString('hex')),
        fresh.map((e) => encryptField(encryption, normalizeKeyPart(e.observation.number)).toString('hex')),
        fresh.map((e) => normalizeKeyPart(e.observation.branch)),
        fresh.map((e) => e.firstMonth),
        fresh.map((e) => e.lastMonth),
      ],
    );
    if (rows.length === fresh.length) return;
    // Another ingest registered some of these meanwhile: its person wins.
    const inserted = new Set(rows.map((r) => r.member_key_hash));
    const lost = fresh.filter((e) => !inserted.has(e.memberHash));
    const winners = await this.db.query<{ member_key_hash: string; person_id: string }>(
      'SELECT member_key_hash, person_id FROM enrollments WHERE member_key_hash = ANY($1::text[])',
      [lost.map((e) => e.memberHash)],
    );
    const byHash = new Map(lost.map((e) => [e.memberHash, e]));
    for (const row of winners.rows) byHash.get(row.member_key_hash)!.personId = row.person_id;
  }

  private async widenEnrollments(grown: Enrollment[]): Promise<void> {
    if (grown.length === 0) return;
    await this.db.query(
      `UPDATE enrollments e
          SET first_service_month = LEAST(e.first_service_month, t.first_month),
              last_service_month = GREATEST(e.last_service_month, t.last_month)
         FROM unnest($1::text[], $2::date[], $3::date[]) AS t(member_hash, first_month, last_month)
        WHERE e.member_key_hash = t.member_hash`,
      [grown.map((e) => e.memberHash), grown.map((e) => e.firstMonth), grown.map((e) => e.lastMonth)],
    );
  }

  /** Names as the receipts give them; a new spelling is a new row, the latest month marks the current one. */
  private async recordNames(all: Enrollment[]): Promise<void> {
    const { encryption, lookup } = this.keys;
    const wanted = new Map<string, { personId: string; hash: string; observation: PersonObservation; month: string }>();
    for (const e of all) {
      const name = e.observation.name.trim();
      if (name === '') continue;
      const hash = nameHash(lookup, name);
      const key = `${e.personId}|${hash}`;
      const seen = wanted.get(key);
      if (!seen || seen.month < e.lastMonth) wanted.set(key, { personId: e.personId, hash, observation: e.observation, month: e.lastMonth });
    }
    if (wanted.size === 0) return;
    const stored = await this.db.query<{ person_id: string; name_hash: string; last: string }>(
      `SELECT person_id, name_hash, to_char(last_service_month, 'YYYY-MM-DD') AS last FROM person_names WHERE person_id = ANY($1::uuid[])`,
      [[...new Set([...wanted.values()].map((w) => w.personId))]],
    );
    const storedMonth = new Map(stored.rows.map((r) => [`${r.person_id}|${r.name_hash}`, r.last]));
    const fresh = [...wanted].filter(([key]) => !storedMonth.has(key)).map(([, w]) => w);
    const later = [...wanted].filter(([key, w]) => storedMonth.has(key) && w.month > storedMonth.get(key)!).map(([, w]) => w);
    if (fresh.length > 0) {
      await this.db.query(
        `INSERT INTO person_names (person_id, name_hash, kana_hash, name_enc, kana_enc, last_service_month)
         SELECT person_id, name_hash, kana_hash, decode(name_enc, 'hex'), decode(kana_enc, 'hex'), month
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[]) AS t(person_id, name_hash, kana_hash, name_enc, kana_enc, month)
         ON CONFLICT (person_id, name_hash) DO NOTHING`,
        [
          fresh.map((w) => w.personId),
          fresh.map((w) => w.hash),
          fresh.map((w) => (w.observation.kana ? nameHash(lookup, w.observation.kana) : null)),
          fresh.map((w) => encryptField(encryption, w.observation.name.trim()).toString('hex')),
          fresh.map((w) => (w.observation.kana ? encryptField(encryption, w.observation.kana).toString('hex') : null)),
          fresh.map((w) => w.month),
        ],
      );
    }
    if (later.length > 0) {
      await this.db.query(
        `UPDATE person_names n SET last_service_month = t.month
           FROM unnest($1::uuid[], $2::text[], $3::date[]) AS t(person_id, name_hash, month)
          WHERE n.person_id = t.person_id AND n.name_hash = t.name_hash AND n.last_service_month < t.month`,
        [later.map((w) => w.personId), later.map((w) => w.hash), later.map((w) => w.month)],
      );
    }
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
