import { createHmac } from 'node:crypto';
import type { Db, ServerKeys } from '@renkei/store';

/**
 * Pseudonyms: HMACs under the server's pseudonym key, written as UUIDs. Neither
 * store holds the key, so neither alone links a pseudonym to a person.
 *
 * The clinical store files each receipt under its enrollment's pseudonym (the
 * card it was billed to). A person is the set of their enrollments, kept in the
 * identity store: linking an enrollment to a person, or undoing a wrong link,
 * changes the identity store only, never a clinical row.
 */
export function enrollmentPseudonym(pseudonymKey: Buffer, memberKeyHash: string): string {
  return asUuid(createHmac('sha256', pseudonymKey).update('enrollment\u0000').update(memberKeyHash).digest('hex'));
}

/** The pseudonym that stands for a whole person where no clinical row is concerned (the audit trail). */
export function personPseudonym(pseudonymKey: Buffer, personId: string): string {
  return asUuid(createHmac('sha256', pseudonymKey).update('person\u0000').update(personId).digest('hex'));
}

/** The clinical pseudonyms of every enrollment of a person: their whole history. */
export async function pseudonymsOfPerson(identity: Db, keys: ServerKeys, personId: string): Promise<string[]> {
  const { rows } = await identity.query<{ member_key_hash: string }>('SELECT member_key_hash FROM enrollments WHERE person_id = $1', [personId]);
  return rows.map((r) => enrollmentPseudonym(keys.pseudonym, r.member_key_hash));
}

function asUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
