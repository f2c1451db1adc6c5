import type { Db } from '@renkei/store';

/**
 * Consent to share a patient's history (opt-out: given unless withdrawn).
 * `consentGivenSql` is the SQL condition other queries join on, so that reading
 * a history and checking consent are one question: if it cannot be answered,
 * nothing is read.
 */
export const consentGivenSql = (personIdColumn: string) =>
  `NOT coalesce((SELECT withdrawn FROM consent_changes WHERE person_id = ${personIdColumn} ORDER BY id DESC LIMIT 1), false)`;

export async function isConsentWithdrawn(db: Db, personId: string): Promise<boolean> {
  const { rows } = await db.query<{ given: boolean }>(`SELECT ${consentGivenSql('$1::uuid')} AS given`, [personId]);
  return rows[0]?.given !== true;
}

/** Records a withdrawal (`withdrawn` true) or its reversal, by a desk user at their facility. */
export async function recordConsent(db: Db, change: { personId: string; withdrawn: boolean; recordedBy: string; facilityCode: string | null }): Promise<void> {
  await db.query('INSERT INTO consent_changes (person_id, withdrawn, recorded_by, facility_code) VALUES ($1, $2, $3, $4)', [
    change.personId,
    change.withdrawn,
    change.recordedBy,
    change.facilityCode,
  ]);
}
