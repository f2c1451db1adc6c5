import type { Db, ServerKeys } from '@renkei/store';
import { decryptField } from './field-crypto.js';
import { enrollmentPseudonym } from './pseudonym.js';

/** What the viewing zone shows of a person, decrypted, and the pseudonyms that find their history. */
export interface PersonRecord {
  sex: 1 | 2;
  birthDate: string;
  name: string | null;
  kana: string | null;
  enrollments: Array<{ insurerNumber: string; firstServiceMonth: string }>;
  /** The clinical pseudonyms of every enrollment: the whole history. */
  pseudonyms: string[];
}

/** Reads a person in one query: their facts, their current name and every enrollment. Callers check access first. */
export async function readPersonRecord(identity: Db, keys: ServerKeys, personId: string): Promise<PersonRecord | undefined> {
  const { rows } = await identity.query<{
    sex: 1 | 2;
    birth_date_enc: Uint8Array;
    name_enc: Uint8Array | null;
    kana_enc: Uint8Array | null;
    enrollments: Array<{ member_key_hash: string; insurer_number: string; first_service_month: string }> | string;
  }>(
    `SELECT p.sex, p.birth_date_enc, n.name_enc, n.kana_enc,
            (SELECT json_agg(json_build_object('member_key_hash', e.member_key_hash, 'insurer_number', e.insurer_number,
                                               'first_service_month', to_char(e.first_service_month, 'YYYY-MM')) ORDER BY e.first_service_month)
               FROM enrollments e WHERE e.person_id = p.id) AS enrollments
       FROM persons p
       LEFT JOIN LATERAL (SELECT name_enc, kana_enc FROM person_names WHERE person_id = p.id ORDER BY first_service_month DESC LIMIT 1) n ON true
      WHERE p.id = $1`,
    [personId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const enrollments = (typeof row.enrollments === 'string' ? JSON.parse(row.enrollments) : row.enrollments) ?? [];
  return {
    sex: row.sex,
    birthDate: decryptField(keys.encryption, row.birth_date_enc),
    name: row.name_enc ? decryptField(keys.encryption, row.name_enc) : null,
    kana: row.kana_enc ? decryptField(keys.encryption, row.kana_enc) : null,
    enrollments: enrollments.map((e: { insurer_number: string; first_service_month: string }) => ({ insurerNumber: e.insurer_number, firstServiceMonth: e.first_service_month })),
    pseudonyms: enrollments.map((e: { member_key_hash: string }) => enrollmentPseudonym(keys.pseudonym, e.member_key_hash)),
  };
}
