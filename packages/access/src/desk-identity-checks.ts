import type { Db } from '@renkei/store';
import { minutes } from './limits.js';

/** How long a person found at the desk may be acted on by the session that found them. */
const IDENTITY_CHECK_MINUTES = 30;

/**
 * Records that this desk session found these persons through the identity
 * check (the person search by insurance card or kana name, with the birth
 * date, at this facility): for a while, the session may issue them a card,
 * change their card's status or link them.
 */
export async function recordIdentityCheck(db: Db, check: { sessionTokenHash: string; personIds: readonly string[]; facilityCode: string }, now = new Date()): Promise<void> {
  if (check.personIds.length === 0) return;
  await db.query(
    `INSERT INTO desk_identity_checks (session_token_hash, person_id, facility_code, checked_at)
     SELECT $1, unnest($2::uuid[]), $3, $4
     ON CONFLICT (session_token_hash, person_id) DO UPDATE SET checked_at = EXCLUDED.checked_at, facility_code = EXCLUDED.facility_code`,
    [check.sessionTokenHash, [...check.personIds], check.facilityCode, now],
  );
}

/** Whether this session found this person at this facility a short while ago. */
export async function identityChecked(db: Db, check: { sessionTokenHash: string; personId: string; facilityCode: string }, now = new Date()): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM desk_identity_checks WHERE session_token_hash = $1 AND person_id = $2 AND facility_code = $3 AND checked_at > $4',
    [check.sessionTokenHash, check.personId, check.facilityCode, new Date(now.getTime() - minutes(IDENTITY_CHECK_MINUTES))],
  );
  return rows.length > 0;
}
