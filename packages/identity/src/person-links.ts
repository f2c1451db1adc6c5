import type { Db } from '@renkei/store';
import { consentGivenSql } from './consent.js';

export type LinkResult =
  /** `replacedCards`: the merged person's working cards, now replaced (the caller closes what they had opened). */
  | { status: 'linked'; linkId: number; replacedCards: string[] }
  | { status: 'refused'; reason: 'same-person' | 'unknown-person' | 'consent-differs' };

/**
 * Links `mergedPersonId` into `keptPersonId`: its enrollments, names and cards
 * move, in one transaction, and the link records what moved. Refused when
 * the two differ in consent: that must be settled with the patient first.
 */
export async function linkPersons(db: Db, link: { keptPersonId: string; mergedPersonId: string; linkedBy: string; facilityCode?: string | null }): Promise<LinkResult> {
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
    // One working card per person: the kept person's card stays; the merged person's working cards are replaced, as they were kept for an undo.
    const replaced = await tx.query<{ card_number: string; status: string }>(
      `UPDATE cards c SET status = 'replaced', status_changed_at = now()
         FROM (SELECT card_number, status FROM cards WHERE person_id = $2 AND status IN ('active', 'suspended') FOR UPDATE) before
        WHERE c.card_number = before.card_number AND EXISTS (SELECT 1 FROM cards k WHERE k.person_id = $1 AND k.status IN ('active', 'suspended'))
        RETURNING c.card_number, before.status`,
      [link.keptPersonId, link.mergedPersonId],
    );
    const cards = await tx.query<{ card_number: string }>('UPDATE cards SET person_id = $1 WHERE person_id = $2 RETURNING card_number', [link.keptPersonId, link.mergedPersonId]);
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO person_links (kept_person_id, merged_person_id, enrollment_ids, name_hashes, card_numbers, linked_by, facility_code, replaced_cards)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        link.keptPersonId,
        link.mergedPersonId,
        enrollments.rows.map((r) => r.id),
        names.rows.map((r) => r.name_hash),
        cards.rows.map((r) => r.card_number),
        link.linkedBy,
        link.facilityCode ?? null,
        JSON.stringify(replaced.rows.map((r) => ({ cardNumber: r.card_number, status: r.status }))),
      ],
    );
    return { status: 'linked', linkId: Number(inserted.rows[0]!.id), replacedCards: replaced.rows.map((r) => r.card_number) } as const;
  });
}

/**
 * Undoes a link: exactly what moved moves back. Undefined if there is no such
 * link, it was undone already, or `mayUndo` (asked of the kept person, e.g.
 * whether the desk has checked their identity) says no.
 */
export async function undoLink(
  db: Db,
  linkId: number,
  undoneBy: string,
  mayUndo: (keptPersonId: string) => Promise<boolean> = async () => true,
): Promise<{ keptPersonId: string; mergedPersonId: string } | undefined> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ kept_person_id: string; merged_person_id: string; enrollment_ids: string[]; name_hashes: string[]; card_numbers: string[]; replaced_cards: Array<{ cardNumber: string; status: string }> | string }>(
      'SELECT kept_person_id, merged_person_id, enrollment_ids, name_hashes, card_numbers, replaced_cards FROM person_links WHERE id = $1 AND undone_at IS NULL FOR UPDATE',
      [linkId],
    );
    const link = rows[0];
    if (!link || !(await mayUndo(link.kept_person_id))) return undefined;
    await tx.query('UPDATE enrollments SET person_id = $1 WHERE id = ANY($2::uuid[])', [link.merged_person_id, link.enrollment_ids]);
    await tx.query('UPDATE person_names SET person_id = $1 WHERE person_id = $2 AND name_hash = ANY($3::text[])', [link.merged_person_id, link.kept_person_id, link.name_hashes]);
    await tx.query('UPDATE cards SET person_id = $1 WHERE card_number = ANY($2::text[])', [link.merged_person_id, link.card_numbers]);
    // A card the link replaced works again, unless the person was issued another since (then it stays replaced: one working card each).
    const replacedCards = typeof link.replaced_cards === 'string' ? JSON.parse(link.replaced_cards) : link.replaced_cards;
    for (const card of replacedCards as Array<{ cardNumber: string; status: string }>) {
      await tx.query(
        "UPDATE cards SET status = $2, status_changed_at = now() WHERE card_number = $1 AND status = 'replaced' AND NOT EXISTS (SELECT 1 FROM cards o WHERE o.person_id = $3 AND o.status IN ('active', 'suspended'))",
        [card.cardNumber, card.status, link.merged_person_id],
      );
    }
    await tx.query('UPDATE person_links SET undone_at = now(), undone_by = $2 WHERE id = $1', [linkId, undoneBy]);
    return { keptPersonId: link.kept_person_id, mergedPersonId: link.merged_person_id };
  });
}

/** The persons whose records now make up `personId` (itself, and those linked into it): their audit trails are its. */
export async function linkedPersonIds(db: Db, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ merged_person_id: string }>('SELECT merged_person_id FROM person_links WHERE kept_person_id = $1 AND undone_at IS NULL', [personId]);
  return [personId, ...rows.map((r) => r.merged_person_id)];
}

/** How two persons the desk would link differ in what identifies them: their name (or kana) and their birth date. */
export function identifyingDifferences(a: { name: string | null; kana: string | null; birthDate: string }, b: { name: string | null; kana: string | null; birthDate: string }): Array<'name' | 'birth-date'> {
  const differs: Array<'name' | 'birth-date'> = [];
  if (a.birthDate !== b.birthDate) differs.push('birth-date');
  const same = (x: string | null, y: string | null) => x !== null && y !== null && normalizeName(x) === normalizeName(y);
  // The same person may be spelled in kanji on one card and in kana only on another: either agreeing is enough, neither is not.
  if (!same(a.name, b.name) && !same(a.kana, b.kana)) differs.push('name');
  return differs;
}

/** Full-width and half-width forms, and spaces, do not make two names differ. */
function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/[\s\u3000・]/g, '');
}
