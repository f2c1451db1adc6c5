import type { Db } from '@renkei/store';
import { staffUser, type UserRow } from './accounts.js';
import { normalizeSerial } from './network-ca.js';
import { OPEN_ACCESS_COLUMNS, openAccessSql, toPatientAccess, type OpenAccessRow, type PatientAccess } from './patient-access.js';
import { DEFAULT_ACCESS_LIMITS, minutes, type AccessLimits } from './limits.js';
import { mayLogInAt } from './policy.js';
import { tokenHash, type Session } from './sessions.js';
import type { Terminal } from './terminals.js';

/** Who is asking: the terminal (always), and the logged-in staff member if the session cookie is good. */
export interface Caller {
  terminal: Terminal;
  session: Session | undefined;
  /** The patient access asked about (`accessId`), if it is open for this session on this terminal. */
  patientAccess?: PatientAccess | undefined;
}

/** A session's last use is written at most this often: reads stay reads, at the cost of a minute's slack in the idle limit. */
const TOUCH_AFTER_MS = 60_000;

/**
 * The first two factors in one query, asked on every request: the terminal is
 * registered, unrevoked, unexpired and at an active facility (or the
 * secretariat's); the session (if a cookie came) is open, was made on this
 * terminal, is neither idle too long nor too old, its user is active, their
 * facility is active, and the policy lets them work on this terminal (a
 * facility suspended after login ends its staff's sessions on their next request). Using a session keeps it alive. With
 * an access id, the third factor too: whether that patient access is open
 * (see `findPatientAccess`), so a read of patient data costs one round trip
 * for all three.
 */
export async function identifyCaller(
  db: Db,
  credentials: { terminalSerial: string; sessionToken?: string | undefined; sessionHash?: string | undefined; accessId?: string | undefined },
  policy: AccessLimits = DEFAULT_ACCESS_LIMITS,
  now = new Date(),
): Promise<Caller | undefined> {
  // The cookie's token, or the hash of one a study token (study-tokens.ts) names.
  const hash = credentials.sessionToken ? tokenHash(credentials.sessionToken) : (credentials.sessionHash ?? null);
  const withAccess = hash !== null && credentials.accessId !== undefined;
  const { rows } = await db.query<
    { serial: string; terminal_facility: string | null; terminal_name: string; last_seen_at: Date | string | null; user_facility_status: string | null } & Partial<UserRow> & Partial<OpenAccessRow>
  >(
    `SELECT t.serial, t.facility_code AS terminal_facility, t.name AS terminal_name,
            s.last_seen_at, u.id, u.display_name, u.role, u.facility_code, u.must_change_password, uf.name AS facility_name, uf.status AS user_facility_status
            ${withAccess ? ', pa.*' : ''}
       FROM terminals t
       LEFT JOIN facilities tf ON tf.code = t.facility_code
       LEFT JOIN (sessions s JOIN users u ON u.id = s.user_id AND u.active)
              ON s.token_hash = $2 AND s.terminal_serial = t.serial AND s.ended_at IS NULL AND s.last_seen_at > $4 AND s.created_at > $5
       LEFT JOIN facilities uf ON uf.code = u.facility_code
       ${withAccess ? `LEFT JOIN LATERAL (SELECT ${OPEN_ACCESS_COLUMNS} FROM ${openAccessSql({ id: '$6', sessionHash: 's.token_hash', terminal: 't.serial', now: '$3' })}) pa ON true` : ''}
      WHERE t.serial = $1 AND t.revoked_at IS NULL AND t.not_after > $3 AND (t.facility_code IS NULL OR tf.status = 'active')`,
    [
      normalizeSerial(credentials.terminalSerial),
      hash,
      now,
      new Date(now.getTime() - minutes(policy.sessionIdleMinutes)),
      new Date(now.getTime() - minutes(policy.sessionMaxHours * 60)),
      ...(withAccess ? [credentials.accessId] : []),
    ],
  );
  const row = rows[0];
  if (!row) return undefined;
  const terminal: Terminal = { serial: row.serial, facilityCode: row.terminal_facility?.trim() ?? null, name: row.terminal_name };
  if (!hash || !row.id || !row.last_seen_at) return { terminal, session: undefined };
  const user = staffUser(row as UserRow);
  const userFacilityActive = user.facilityCode === null || row.user_facility_status === 'active';
  if (!userFacilityActive || !mayLogInAt(user, terminal)) return { terminal, session: undefined };
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_AFTER_MS) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2', [hash, now]);
  }
  const session = { tokenHash: hash, user, terminalSerial: terminal.serial };
  return { terminal, session, patientAccess: withAccess && row.access_id ? toPatientAccess(row as OpenAccessRow) : undefined };
}
