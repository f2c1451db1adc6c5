/**
 * The operator's review list (要確認): patterns of use worth a look, because
 * they are what an insider opening histories without the patient would leave
 * behind. A card issued and the history opened at the same facility within
 * 24 hours, for a person that facility has no claims for; many cards issued
 * by one ID in a day; many patients opened by one ID in an hour. Each item can
 * be marked reviewed, with a note. No history and no name is shown: the
 * operator follows up with the facility.
 */
import { cardsIssuedThenOpened, DEFAULT_REVIEW_THRESHOLDS, manyCardsByOneId, manyPatientsByOneId, reviewMarks, type ReviewThresholds } from '@renkei/access';
import { hasClaimsFrom } from '@renkei/history';
import { pseudonymsOfPerson, personPseudonym } from '@renkei/identity';
import type { ServerKeys, Stores } from '@renkei/store';

export type ReviewKind = 'card-then-opened' | 'many-cards' | 'many-patients';

export interface ReviewItem {
  itemId: string;
  kind: ReviewKind;
  /** When it happened (the card's issue, or the start of the day or hour). */
  at: Date;
  userId: string | null;
  facilityCode: string | null;
  /** The person concerned, as the audit trail names them (a pseudonym: the operator finds the records in the trail). */
  pseudonym: string | null;
  count: number | null;
  reviewed: { by: string; at: Date; note: string } | null;
}

/** The items of the last `days` days, newest first; reviewed ones included (marked), so that a pattern that recurs is seen against its history. */
export async function listReviewItems(stores: Stores, keys: ServerKeys, options: { days?: number; thresholds?: ReviewThresholds; now?: Date } = {}): Promise<ReviewItem[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.days ?? 30) * 86_400_000);
  const thresholds = options.thresholds ?? DEFAULT_REVIEW_THRESHOLDS;
  const items: Omit<ReviewItem, 'reviewed'>[] = [];
  for (const c of await cardsIssuedThenOpened(stores.identity, since)) {
    const pseudonyms = await pseudonymsOfPerson(stores.identity, keys, c.personId);
    if (await hasClaimsFrom(stores.clinical, pseudonyms, c.facilityCode)) continue;
    items.push({ itemId: c.itemId, kind: 'card-then-opened', at: c.cardIssuedAt, userId: c.openedBy, facilityCode: c.facilityCode, pseudonym: personPseudonym(keys.pseudonym, c.personId), count: null });
  }
  for (const m of await manyCardsByOneId(stores.identity, since, thresholds.cardsPerDay)) items.push({ itemId: m.itemId, kind: 'many-cards', at: m.from, userId: m.userId, facilityCode: m.facilityCode, pseudonym: null, count: m.count });
  for (const m of await manyPatientsByOneId(stores.identity, since, thresholds.patientsPerHour)) items.push({ itemId: m.itemId, kind: 'many-patients', at: m.from, userId: m.userId, facilityCode: m.facilityCode, pseudonym: null, count: m.count });
  const marks = await reviewMarks(stores.identity, items.map((i) => i.itemId));
  return items
    .map((i) => {
      const mark = marks.get(i.itemId);
      return { ...i, reviewed: mark ? { by: mark.reviewedBy, at: mark.reviewedAt, note: mark.note } : null };
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}
