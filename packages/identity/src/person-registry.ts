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
  holderHash: string;
  personId: string;
  observation: PersonObservation;
  firstMonth: string;
  lastMonth: string;
}

/**
 * Finds or registers the persons behind a batch of receipts, in bulk: one query
 * to find known enrollments, one for enrollments known without 枝番, and bulk
 * upserts for what is new. Use it inside the ingest's identity transaction.
 */
export class PersonRegistry {
  constructor(
    private readonly db: Db,
    private readonly keys: ServerKeys,
  ) {}

  /** The person id of each observation, in order. */
  async resolve(observations: readonly PersonObservation[]): Promise<string[]> {
    const lookup = this.keys.lookup;
    const enrollments = new Map<string, Enrollment>();
    const memberHashes = observations.map((o) => {
      const memberHash = memberKeyHash(lookup, o);
      const month = `${o.serviceMonth}-01`;
      const known = enrollments.get(memberHash);
      if (known) {
        if (month < known.firstMonth) known.firstMonth = month;
        if (month > known.lastMonth) {
          known.lastMonth = month;
          known.observation = o; // the latest receipt's name is the current one
        }
      } else {
        enrollments.set(memberHash, { memberHash, holderHash: holderKeyHash(lookup, o), personId: '', observation: o, firstMonth: month, lastMonth: month });
      }
      return memberHash;
    });

    const existing = await this.db.query<{ member_key_hash: string; person_id: string }>(
      'SELECT member_key_hash, person_id FROM enrollments WHERE member_key_hash = ANY($1::text[])',
      [[...enrollments.keys()]],
    );
    for (const row of existing.rows) enrollments.get(row.member_key_hash)!.personId = row.person_id;

    const newPersons = await this.matchHolders([...enrollments.values()].filter((e) => e.personId === ''));
    await this.insertPersons(newPersons);
    await this.upsertEnrollments([...enrollments.values()], new Set(existing.rows.map((r) => r.member_key_hash)));
    await this.upsertNames([...enrollments.values()]);
    return memberHashes.map((hash) => enrollments.get(hash)!.personId);
  }

  /**
   * An enrollment seen for the first time may still be a known person: a receipt
   * with 枝番 for a card first seen without one, or the reverse when only one
   * person holds that card with that birth date and sex. Otherwise: a new person.
   */
  private async matchHolders(unmatched: Enrollment[]): Promise<Enrollment[]> {
    if (unmatched.length === 0) return [];
    const { rows } = await this.db.query<{ holder_key_hash: string; person_id: string; branch: string }>(
      'SELECT holder_key_hash, person_id, branch FROM enrollments WHERE holder_key_hash = ANY($1::text[])',
      [[...new Set(unmatched.map((e) => e.holderHash))]],
    );
    const byHolder = new Map<string, Array<{ personId: string; branch: string }>>();
    for (const row of rows) pushTo(byHolder, row.holder_key_hash, { personId: row.person_id, branch: row.branch });
    const created: Enrollment[] = [];
    for (const enrollment of unmatched) {
      const candidates = byHolder.get(enrollment.holderHash) ?? [];
      const branch = enrollment.observation.branch;
      const match = branch !== '' ? candidates.filter((c) => c.branch === '') : candidates;
      const persons = new Set(match.map((c) => c.personId));
      if (persons.size === 1) {
        enrollment.personId = [...persons][0]!;
      } else {
        enrollment.personId = randomUUID();
        created.push(enrollment);
      }
      // Later enrollments in this batch see this one.
      pushTo(byHolder, enrollment.holderHash, { personId: enrollment.personId, branch });
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

  private async upsertEnrollments(all: Enrollment[], known: Set<string>): Promise<void> {
    const { encryption } = this.keys;
    // Known enrollments are written only when the months they cover grow.
    const { rows } = await this.db.query<{ member_key_hash: string; person_id: string }>(
      `INSERT INTO enrollments (id, person_id, member_key_hash, holder_key_hash, insurer_number, symbol_enc, number_enc, branch, first_service_month, last_service_month)
       SELECT gen_random_uuid(), person_id, member_hash, holder_hash, insurer, decode(symbol, 'hex'), decode(number, 'hex'), branch, first_month, last_month
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[])
         AS t(person_id, member_hash, holder_hash, insurer, symbol, number, branch, first_month, last_month)
       ON CONFLICT (member_key_hash) DO UPDATE
         SET first_service_month = LEAST(enrollments.first_service_month, EXCLUDED.first_service_month),
             last_service_month = GREATEST(enrollments.last_service_month, EXCLUDED.last_service_month)
         WHERE enrollments.first_service_month > EXCLUDED.first_service_month OR enrollments.last_service_month < EXCLUDED.last_service_month
       RETURNING member_key_hash, person_id`,
      [
        all.map((e) => e.personId),
        all.map((e) => e.memberHash),
        all.map((e) => e.holderHash),
        all.map((e) => normalizeKeyPart(e.observation.insurerNumber)),
        all.map((e) => (known.has(e.memberHash) ? '' : encryptField(encryption, e.observation.symbol).toString('hex'))),
        all.map((e) => (known.has(e.memberHash) ? '' : encryptField(encryption, e.observation.number).toString('hex'))),
        all.map((e) => normalizeKeyPart(e.observation.branch)),
        all.map((e) => e.firstMonth),
        all.map((e) => e.lastMonth),
      ],
    );
    // Another ingest may have registered the same enrollment meanwhile: its person wins.
    const byHash = new Map(all.map((e) => [e.memberHash, e]));
    for (const row of rows) byHash.get(row.member_key_hash)!.personId = row.person_id;
    const returned = new Set(rows.map((r) => r.member_key_hash));
    const unconfirmed = all.filter((e) => !known.has(e.memberHash) && !returned.has(e.memberHash)).map((e) => e.memberHash);
    if (unconfirmed.length === 0) return;
    const winners = await this.db.query<{ member_key_hash: string; person_id: string }>(
      'SELECT member_key_hash, person_id FROM enrollments WHERE member_key_hash = ANY($1::text[])',
      [unconfirmed],
    );
    for (const row of winners.rows) byHash.get(row.member_key_hash)!.personId = row.person_id;
  }

  private async upsertNames(all: Enrollment[]): Promise<void> {
    const { encryption, lookup } = this.keys;
    const names = new Map<string, { personId: string; name: string; kana: string | null; month: string; hash: string }>();
    for (const e of all) {
      const name = e.observation.name.trim();
      if (name === '') continue;
      const hash = nameHash(lookup, name);
      const key = `${e.personId}|${hash}`;
      const seen = names.get(key);
      if (!seen || seen.month < e.lastMonth) names.set(key, { personId: e.personId, name, kana: e.observation.kana, month: e.lastMonth, hash });
    }
    if (names.size === 0) return;
    const rows = [...names.values()];
    await this.db.query(
      `INSERT INTO person_names (person_id, name_hash, kana_hash, name_enc, kana_enc, last_service_month)
       SELECT person_id, name_hash, kana_hash, decode(name_enc, 'hex'), decode(kana_enc, 'hex'), month
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[]) AS t(person_id, name_hash, kana_hash, name_enc, kana_enc, month)
       ON CONFLICT (person_id, name_hash) DO UPDATE
         SET last_service_month = EXCLUDED.last_service_month, kana_hash = EXCLUDED.kana_hash, kana_enc = EXCLUDED.kana_enc
         WHERE person_names.last_service_month < EXCLUDED.last_service_month`,
      [
        rows.map((r) => r.personId),
        rows.map((r) => r.hash),
        rows.map((r) => (r.kana ? nameHash(lookup, r.kana) : null)),
        rows.map((r) => encryptField(encryption, r.name).toString('hex')),
        rows.map((r) => (r.kana ? encryptField(encryption, r.kana).toString('hex') : null)),
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
