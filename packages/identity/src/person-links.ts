import type { Db } from '@renkei/store';
import { consentGivenSql } from './consent.js';

export type LinkResult = { status: 'linked'; linkId: number } | { status: 'refused'; reason: 'same-person' | 'unknown-person' | 'consent-differs' };

/**
 * Links `mergedPersonId` into `keptPersonId`: its enrollments, names and cards
 * move, in one transaction, and the link records what moved. Refused when
 * the two differ in consent: that must be settled with the patient first.
 */
export async function linkPersons(db: Db, link: { keptPersonId: string; mergedPersonId: string; linkedBy: string }): Promise<LinkResult> {
  if (link.keptPersonId === link.mergedPersonId) return { status: 'refused', reason: 'same-person' };
  return db.transaction(async (tx) => {
    const persons = await tx.query<{ id: string; withdrawn: boolean }>(
      `SELECT p.id, NOT ${consentGivenSql('p.id')} AS withdrawn
         FROM persons p WHERE p.id = ANY($1::uuid[]) FOR UPDATE OF p`,
      [[link.keptPersonId, link.mergedPersonId]],
    );
    if (persons.rows.length !== 2) return { status: 'refused', reason: 'unknown-person' } as const;
    if (persons.rows[0]!.withdrawn !== persons.rows[1]!.withdrawn) return { status: 'refused', reason: 'consent-differs' } as const;
    const enrollments = await tx.query<{ id: string }>('UPDATE enrollments SET person_id = $1 WHERE person_id = $2 RETURNING id', [link.keptPersonId, link.mergedPersonId]);
    // A name both already carry stays with the kept person only.
    const names = await tx.query<{ name_hash: string }>(
      `UPDATE person_names SET person_id = $1 WHERE person_id = $2
         AND name_hash NOT IN (SELECT name_hash FROM person_names WHERE person_id = $1) RETURNING name_hash`,
      [link.keptPersonId, link.mergedPersonId],
    );
    const cards = await tx.query<{ card_number: string }>('UPDATE cards SET person_id = $1 WHERE person_id = $2 RETURNING card_number', [link.keptPersonId, link.mergedPersonId]);
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO person_links (kept_person_id, merged_person_id, enrollment_ids, name_hashes, card_numbers, linked_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [link.keptPersonId, link.mergedPersonId, enrollments.rows.map((r) => r.id), names.rows.map((r) => r.name_hash), cards.rows.map((r) => r.card_number), link.linkedBy],
    );
    return { status: 'linked', linkId: Number(inserted.rows[0]!.id) } as const;
  });
}

/** Undoes a link: exactly what moved moves back. False if there is no such link, or it was undone already. */
export async function undoLink(db: Db, linkId: number, undoneBy: string): Promise<{ keptPersonId: string; mergedPersonId: string } | undefined> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ kept_person_id: string; merged_person_id: string; enrollment_ids: string[]; name_hashes: string[]; card_numbers: string[] }>(
      'SELECT kept_person_id, merged_person_id, enrollment_ids, name_hashes, card_numbers FROM person_links WHERE id = $1 AND undone_at IS NULL FOR UPDATE',
      [linkId],
    );
    const link = rows[0];
    if (!link) return undefined;
    await tx.query('UPDATE enrollments SET person_id = $1 WHERE id = ANY($2::uuid[])', [link.merged_person_id, link.enrollment_ids]);
    await tx.query('UPDATE person_names SET person_id = $1 WHERE person_id = $2 AND name_hash = ANY($3::text[])', [link.merged_person_id, link.kept_person_id, link.name_hashes]);
    await tx.query('UPDATE cards SET person_id = $1 WHERE card_number = ANY($2::text[])', [link.merged_person_id, link.card_numbers]);
    await tx.query('UPDATE person_links SET undone_at = now(), undone_by = $2 WHERE id = $1', [linkId, undoneBy]);
    return { keptPersonId: link.kept_person_id, mergedPersonId: link.merged_person_id };
  });
}

/** The persons whose records now make up `personId` (itself, and those linked into it): their audit trails are its. */
export async function linkedPersonIds(db: Db, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ merged_person_id: string }>('SELECT merged_person_id FROM person_links WHERE kept_person_id = $1 AND undone_at IS NULL', [personId]);
  return [personId, ...rows.map((r) => r.merged_person_id)];
}
