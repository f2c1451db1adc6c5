/**
 * Applications for clinicians' IDs (利用者申請): a facility administrator
 * applies for a doctor's, dentist's, pharmacist's or nurse's ID at their own
 * facility, with the licence number; the network's operator approves it, and
 * the ID is issued with a one-time password, or refuses it with a note. No
 * one at a facility can make themselves a clinician's ID.
 */
import { isLicensedRole, mayApplyForRole, scopeCoversFacility, scopeFacility, type AdminScope, type Role } from '@renkei/access';
import type { Db } from '@renkei/store';
import { AdminRefusal, credentialRefusal } from './admin-refusal.js';
import { issueUser } from './users.js';

export interface UserApplicationRequest {
  id: string;
  displayName: string;
  role: Role;
  facilityCode: string;
  email?: string | null;
  licenceNumber: string;
}

export interface UserApplication extends UserApplicationRequest {
  applicationId: number;
  appliedBy: string;
  appliedAt: Date;
  status: 'pending' | 'approved' | 'refused';
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
}

/** Files an application; the ID itself is not reserved until the operator approves. */
export async function applyForUser(identity: Db, scope: AdminScope, application: UserApplicationRequest, appliedBy: string): Promise<{ applicationId: number }> {
  if (!isLicensedRole(application.role)) throw new AdminRefusal('invalid', 'not-a-licensed-role', 'この職種のIDは利用者管理から直接発行してください');
  if (!mayApplyForRole(scope, application.role)) throw new AdminRefusal('invalid', 'operator-issues-directly', '事務局は利用者管理からIDを直接発行します');
  if (!scopeCoversFacility(scope, application.facilityCode)) throw credentialRefusal('unknown-facility', `unknown facility ${application.facilityCode}`);
  return identity.transaction(async (tx) => {
    const taken = await tx.query('SELECT 1 FROM users WHERE id = $1 UNION ALL SELECT 1 FROM user_applications WHERE user_id = $1 AND status = $2', [application.id, 'pending']);
    if (taken.rows.length > 0) throw credentialRefusal('id-taken', `the ID ${application.id} is taken or applied for`);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO user_applications (user_id, display_name, role, facility_code, email, licence_number, applied_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [application.id, application.displayName, application.role, application.facilityCode, application.email ?? null, application.licenceNumber, appliedBy],
    );
    return { applicationId: Number(rows[0]!.id) };
  });
}

/** The applications in scope, pending first, then the latest decisions. */
export async function listUserApplications(identity: Db, scope: AdminScope, limit = 200): Promise<UserApplication[]> {
  const { rows } = await identity.query<ApplicationRow>(
    `SELECT * FROM user_applications WHERE $1::text IS NULL OR facility_code = $1
      ORDER BY status = 'pending' DESC, coalesce(decided_at, applied_at) DESC LIMIT $2`,
    [scopeFacility(scope), limit],
  );
  return rows.map(toApplication);
}

/**
 * The operator's decision. Approval issues the ID (with a one-time password,
 * answered once, to hand over out of band) in the same transaction; a refusal
 * keeps its note. A decided application is not decided again.
 */
export async function decideUserApplication(
  identity: Db,
  scope: AdminScope,
  applicationId: number,
  decision: { approve: boolean; note: string | null },
  operatorId: string,
  now = new Date(),
): Promise<{ application: UserApplication; password?: string }> {
  if (!scope.network) throw credentialRefusal('application-not-found', 'only the operator decides applications');
  return identity.transaction(async (tx) => {
    const { rows } = await tx.query<ApplicationRow>("SELECT * FROM user_applications WHERE id = $1 AND status = 'pending' FOR UPDATE", [applicationId]);
    const row = rows[0];
    if (!row) throw credentialRefusal('application-not-found', `no pending application ${applicationId}`);
    let password: string | undefined;
    if (decision.approve) {
      const issued = await issueUser(
        tx,
        scope,
        { id: row.user_id, displayName: row.display_name, role: row.role, facilityCode: row.facility_code.trim(), email: row.email, licenceNumber: row.licence_number, applicationId },
        operatorId,
      );
      password = issued.password;
    }
    const decided = await tx.query<ApplicationRow>(
      'UPDATE user_applications SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1 RETURNING *',
      [applicationId, decision.approve ? 'approved' : 'refused', operatorId, now, decision.note],
    );
    return { application: toApplication(decided.rows[0]!), ...(password !== undefined ? { password } : {}) };
  });
}

interface ApplicationRow {
  id: string | number;
  user_id: string;
  display_name: string;
  role: Role;
  facility_code: string;
  email: string | null;
  licence_number: string;
  applied_by: string;
  applied_at: Date | string;
  status: UserApplication['status'];
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_note: string | null;
}

function toApplication(r: ApplicationRow): UserApplication {
  return {
    applicationId: Number(r.id),
    id: r.user_id,
    displayName: r.display_name,
    role: r.role,
    facilityCode: r.facility_code.trim(),
    email: r.email,
    licenceNumber: r.licence_number,
    appliedBy: r.applied_by,
    appliedAt: new Date(r.applied_at),
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    decisionNote: r.decision_note,
  };
}
