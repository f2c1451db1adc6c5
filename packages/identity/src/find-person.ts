import type { Db, ServerKeys } from '@renkei/store';
import { holderKeyHash } from './member-key.js';

/** A card as an operator types it: insurer, 記号, 番号, optional 枝番, and the birth date. */
export interface MemberQuery {
  insurerNumber: string;
  symbol: string;
  number: string;
  branch?: string | undefined;
  birthDate: string;
}

export type PersonMatch = { status: 'found'; personId: string } | { status: 'not-found' } | { status: 'ambiguous'; count: number };

/**
 * Finds the person holding a card. Sex is not asked: both are tried, and if a
 * card without 枝番 is shared by two persons born the same day, the answer is
 * "ambiguous" (give the 枝番), never a guess.
 */
export async function findPersonByMember(db: Db, keys: ServerKeys, query: MemberQuery): Promise<PersonMatch> {
  const holderHashes = ([1, 2] as const).map((sex) => holderKeyHash(keys.lookup, { ...query, sex }));
  const { rows } = await db.query<{ person_id: string; branch: string }>(
    'SELECT person_id, branch FROM enrollments WHERE holder_key_hash = ANY($1::text[])',
    [holderHashes],
  );
  const branch = query.branch?.normalize('NFKC').trim() ?? '';
  const matching = branch === '' ? rows : rows.filter((r) => r.branch === branch);
  const persons = new Set(matching.map((r) => r.person_id));
  if (persons.size === 0) return { status: 'not-found' };
  if (persons.size > 1) return { status: 'ambiguous', count: persons.size };
  return { status: 'found', personId: [...persons][0]! };
}
