/**
 * Who may administer what: the network operator every facility, a facility
 * administrator their own facility only (and never an operator's ID), anyone
 * else nothing. Pure, so that the rules are tested apart from HTTP and SQL.
 */
import type { Role } from '@renkei/access';

/** The acting administrator, as a session or the CLI knows them. */
export interface Administrator {
  id: string;
  role: Role;
  facilityCode: string | null;
}

/** The whole network, or one facility's terminals and users. */
export type AdminScope = { network: true } | { network: false; facilityCode: string };

/** What `actor` administers, or undefined if they administer nothing. */
export function adminScope(actor: Pick<Administrator, 'role' | 'facilityCode'>): AdminScope | undefined {
  if (actor.role === 'operator') return { network: true };
  if (actor.role === 'facility-admin' && actor.facilityCode) return { network: false, facilityCode: actor.facilityCode.trim() };
  return undefined;
}

export function scopeCoversFacility(scope: AdminScope, facilityCode: string | null): boolean {
  if (scope.network) return true;
  return facilityCode !== null && facilityCode.trim() === scope.facilityCode;
}

/** A facility administrator issues every role but the operator's: the network's own staff are the operator's to name. */
export function scopeMayGrantRole(scope: AdminScope, role: Role): boolean {
  return scope.network || role !== 'operator';
}

/** A user the scope may deactivate, reactivate or reset: at a covered facility, and of a role the scope could have issued. */
export function scopeCoversUser(scope: AdminScope, user: { role: Role; facilityCode: string | null }): boolean {
  return scopeCoversFacility(scope, user.facilityCode) && scopeMayGrantRole(scope, user.role);
}

/** Everyone but the operator works at a facility; an operator may, but need not. */
export function facilityRequired(role: Role): boolean {
  return role !== 'operator';
}

/** The scope as one SQL parameter: null for the whole network, else the facility (`$n::text IS NULL OR facility_code = $n`). */
export function scopeFacility(scope: AdminScope): string | null {
  return scope.network ? null : scope.facilityCode;
}
