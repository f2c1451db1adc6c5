/**
 * Patterns of use that an operator should look at, found in the identity
 * store's cards and patient accesses over a period. Each comes with a stable
 * id, so that it can be marked reviewed.
 */
import type { Db } from '@renkei/store';

export interface CardThenOpened {
  itemId: string;
  personId: string;
  facilityCode: string;
  cardIssuedAt: Date;
  cardIssuedBy: string | null;
  openedAt: Date;
  openedBy: string;
}

export interface ManyByOneId {
  itemId: string;
  userId: string;
  facilityCode: string | null;
  /** The day (cards) or the hour (patients) it happened in. */
  from: Date;
  count: number;
}

/** How many in a day or an hour make a pattern worth a look. */
export interface ReviewThresholds {
  cardsPerDay: number;
  patientsPerHour: number;
}

export const DEFAULT_REVIEW_THRESHOLDS: ReviewThresholds = { cardsPerDay: 10, patientsPerHour: 20 };

/** A card issued at a facility, then the person's history opened by staff of that same facility within 24 hours. Whether the person has claims from there is asked of the clinical store. */
export async function cardsIssuedThenOpened(db: Db, since: Date): Promise<CardThenOpened[]> {
  const { rows } = await db.query<{ card_number: string; person_id: string; facility: string; issued_at: Date | string; issued_by: string | null; opened_at: Date | string; opened_by: string }>(
    `SELECT DISTINCT ON (c.card_number) c.card_number, c.person_id, c.issued_at_facility AS facility, c.issued_at, c.issued_by, a.opened_at, a.user_id AS opened_by
       FROM cards c
       JOIN patient_accesses a ON a.person_id = c.person_id AND a.opened_at BETWEEN c.issued_at AND c.issued_at + interval '24 hours'
       JOIN users u ON u.id = a.user_id AND u.facility_code = c.issued_at_facility
      WHERE c.issued_at >= $1 AND c.issued_at_facility IS NOT NULL
      ORDER BY c.card_number, a.opened_at`,
    [since],
  );
  return rows.map((r) => ({
    itemId: `card-then-opened:${r.card_number}`,
    personId: r.person_id,
    facilityCode: r.facility.trim(),
    cardIssuedAt: new Date(r.issued_at),
    cardIssuedBy: r.issued_by,
    openedAt: new Date(r.opened_at),
    openedBy: r.opened_by,
  }));
}

/** IDs that issued `cardsPerDay` cards or more in one day (Japan's day). */
export async function manyCardsByOneId(db: Db, since: Date, threshold: number): Promise<ManyByOneId[]> {
  const { rows } = await db.query<{ user_id: string; facility: string | null; day: Date | string; n: string }>(
    `SELECT c.issued_by AS user_id, max(c.issued_at_facility) AS facility, date_trunc('day', c.issued_at AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo' AS day, count(*) AS n
       FROM cards c WHERE c.issued_at >= $1 AND c.issued_by IS NOT NULL
      GROUP BY 1, 3 HAVING count(*) >= $2 ORDER BY 3 DESC`,
    [since, threshold],
  );
  return rows.map((r) => ({ itemId: `many-cards:${r.user_id}:${new Date(r.day).toISOString()}`, userId: r.user_id, facilityCode: r.facility?.trim() ?? null, from: new Date(r.day), count: Number(r.n) }));
}

/** IDs that opened `patientsPerHour` different patients or more in one hour. */
export async function manyPatientsByOneId(db: Db, since: Date, threshold: number): Promise<ManyByOneId[]> {
  const { rows } = await db.query<{ user_id: string; facility: string | null; hour: Date | string; n: string }>(
    `SELECT a.user_id, max(u.facility_code) AS facility, date_trunc('hour', a.opened_at) AS hour, count(DISTINCT a.person_id) AS n
       FROM patient_accesses a JOIN users u ON u.id = a.user_id
      WHERE a.opened_at >= $1
      GROUP BY 1, 3 HAVING count(DISTINCT a.person_id) >= $2 ORDER BY 3 DESC`,
    [since, threshold],
  );
  return rows.map((r) => ({ itemId: `many-patients:${r.user_id}:${new Date(r.hour).toISOString()}`, userId: r.user_id, facilityCode: r.facility?.trim() ?? null, from: new Date(r.hour), count: Number(r.n) }));
}

/** The review marks of the given items. */
export async function reviewMarks(db: Db, itemIds: readonly string[]): Promise<Map<string, { reviewedBy: string; reviewedAt: Date; note: string }>> {
  if (itemIds.length === 0) return new Map();
  const { rows } = await db.query<{ item_id: string; reviewed_by: string; reviewed_at: Date | string; note: string }>('SELECT * FROM reviews WHERE item_id = ANY($1::text[])', [[...itemIds]]);
  return new Map(rows.map((r) => [r.item_id, { reviewedBy: r.reviewed_by, reviewedAt: new Date(r.reviewed_at), note: r.note }]));
}

/** Marks an item reviewed (again: the latest note counts). */
export async function markReviewed(db: Db, mark: { itemId: string; reviewedBy: string; note: string }, now = new Date()): Promise<void> {
  await db.query(
    `INSERT INTO reviews (item_id, reviewed_by, reviewed_at, note) VALUES ($1, $2, $3, $4)
     ON CONFLICT (item_id) DO UPDATE SET reviewed_by = EXCLUDED.reviewed_by, reviewed_at = EXCLUDED.reviewed_at, note = EXCLUDED.note`,
    [mark.itemId, mark.reviewedBy, now, mark.note],
  );
}
