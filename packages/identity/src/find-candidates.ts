import type { Db, ServerKeys } from '@renkei/store';
import { decryptField } from './field-crypto.js';
import { birthDateHash, holderKeyHash, nameHash } from './member-key.js';

/** What a desk types from the patient's insurance card and in person. */
export interface CandidateQuery {
  insurerNumber?: string | undefined;
  symbol?: string | undefined;
  number?: string | undefined;
  branch?: string | undefined;
  birthDate: string;
  sex?: 1 | 2 | undefined;
  /** Katakana (or hiragana) name, as the patient spells it. */
  kana?: string | undefined;
}

/** A person the desk may mean: enough to confirm who it is, nothing of their history. */
export interface Candidate {
  personId: string;
  name: string | null;
  kana: string | null;
  birthDate: string;
  sex: 1 | 2;
  insurers: string[];
  activeCards: number;
  /** A My Number card is bound to the person. */
  myNumberBound: boolean;
}

/**
 * Finds the persons a desk query may mean: by insurance card (insurer, 記号,
 * 番号, optional 枝番) and birth date, or by kana name and birth date (a new
 * insurance card the claims have not shown yet). Sex, when given, narrows.
 */
export async function findCandidates(db: Db, keys: ServerKeys, query: CandidateQuery): Promise<Candidate[]> {
  const sexes = query.sex ? [query.sex] : ([1, 2] as const);
  const ids = new Set<string>();
  if (query.insurerNumber && query.symbol !== undefined && query.number) {
    const holders = sexes.map((sex) => holderKeyHash(keys.lookup, { insurerNumber: query.insurerNumber!, symbol: query.symbol!, number: query.number!, birthDate: query.birthDate, sex }));
    const branch = query.branch?.normalize('NFKC').trim() ?? '';
    const { rows } = await db.query<{ person_id: string }>(
      "SELECT DISTINCT person_id FROM enrollments WHERE holder_key_hash = ANY($1::text[]) AND ($2 = '' OR branch = $2 OR branch = '')",
      [holders, branch],
    );
    for (const r of rows) ids.add(r.person_id);
  }
  if (query.kana) {
    const { rows } = await db.query<{ person_id: string }>(
      'SELECT DISTINCT n.person_id FROM person_names n JOIN persons p ON p.id = n.person_id WHERE n.kana_hash = ANY($1::text[]) AND p.birth_date_hash = $2',
      [[nameHash(keys.lookup, toKatakana(query.kana))], birthDateHash(keys.lookup, query.birthDate)],
    );
    for (const r of rows) ids.add(r.person_id);
  }
  if (ids.size === 0) return [];
  const { rows } = await db.query<{ id: string; sex: 1 | 2; birth_date_enc: Uint8Array; name_enc: Uint8Array | null; kana_enc: Uint8Array | null; insurers: string[]; active_cards: number; my_number_bound: boolean }>(
    `SELECT p.id, p.sex, p.birth_date_enc, n.name_enc, n.kana_enc,
            ARRAY(SELECT DISTINCT insurer_number FROM enrollments e WHERE e.person_id = p.id ORDER BY 1) AS insurers,
            (SELECT count(*)::int FROM cards c WHERE c.person_id = p.id AND c.status = 'active') AS active_cards,
            EXISTS (SELECT 1 FROM my_number_bindings b WHERE b.person_id = p.id AND b.unbound_at IS NULL) AS my_number_bound
       FROM persons p
       LEFT JOIN LATERAL (SELECT name_enc, kana_enc FROM person_names WHERE person_id = p.id ORDER BY first_service_month DESC LIMIT 1) n ON true
      WHERE p.id = ANY($1::uuid[]) AND ($2::smallint IS NULL OR p.sex = $2)`,
    [[...ids], query.sex ?? null],
  );
  return rows.map((r) => ({
    personId: r.id,
    name: r.name_enc ? decryptField(keys.encryption, r.name_enc) : null,
    kana: r.kana_enc ? decryptField(keys.encryption, r.kana_enc) : null,
    birthDate: decryptField(keys.encryption, r.birth_date_enc),
    sex: r.sex,
    insurers: r.insurers,
    activeCards: r.active_cards,
    myNumberBound: r.my_number_bound,
  }));
}

/** Claims write kana in katakana; the keyed hash folds width and blanks (NFKC), hiragana is folded here. */
function toKatakana(kana: string): string {
  return kana.replace(/[\u3041-\u3096]/g, (h) => String.fromCharCode(h.charCodeAt(0) + 0x60));
}
