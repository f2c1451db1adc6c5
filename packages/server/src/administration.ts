/**
 * Who may administer what, and the audit of every administrative action, in
 * one place. The operator (the network's secretariat) administers the whole
 * network, a facility administrator their own facility only (`AdminScope`, in
 * @renkei/admin), anyone else nothing. Every action, allowed or refused, goes
 * to the audit trail with the acting user, so that attempts are seen too. A
 * refusal (`AdminRefusal`) gets its HTTP answer from the error handler.
 */
import { adminScope, AdminRefusal, facilityNotFound, scopeCoversFacility, type AdminScope } from '@renkei/admin';
import type { Session } from '@renkei/access';
import type { FastifyRequest } from 'fastify';
import { ApiError, roleForbidden } from './errors.js';
import { auditRequest, requireSession } from './gate.js';
import type { ResolvedOptions } from './options.js';

/** The acting administrator: their session and what they administer. */
export interface Admin {
  session: Session;
  scope: AdminScope;
}

/** An action as the audit trail names it (`terminal.issue`, `admin.facility.update`), and who may do it. */
export interface AdminAction {
  action: string;
  detail?: Record<string, unknown>;
  /** The operator only; otherwise any administrator, within their scope. */
  operatorOnly?: boolean;
  /** The facility acted on: outside the administrator's scope it answers as an unknown facility does (404). */
  facility?: string;
}

/** An id from the URL, as the audit trail keeps it: whatever was typed, but never more than an id's length. */
export const asGiven = (id: string) => id.slice(0, 64);

/**
 * The caller, if they may do `action`. A refusal is audited and thrown: 403 for
 * a role that may not, 404 for a facility outside their scope.
 */
export async function requireAdministrator(request: FastifyRequest, options: ResolvedOptions, action: AdminAction): Promise<Admin> {
  const session = requireSession(request);
  const scope = adminScope(session.user);
  if (!scope || (action.operatorOnly && !scope.network)) {
    await auditRequest(request, options, { action: action.action, outcome: 'refused', detail: { ...action.detail, reason: 'role-forbidden' } });
    throw roleForbidden();
  }
  if (action.facility !== undefined && !scopeCoversFacility(scope, action.facility)) {
    await auditRequest(request, options, { action: action.action, outcome: 'refused', detail: { ...action.detail, reason: 'other facility', facility: action.facility } });
    throw facilityNotFound();
  }
  return { session, scope };
}

/**
 * Checks the caller (`requireAdministrator`), then runs the action, audited
 * whichever way it ends; `resultDetail` adds what only the result knows.
 */
export async function administer<T>(
  request: FastifyRequest,
  options: ResolvedOptions,
  action: AdminAction,
  work: (admin: Admin) => Promise<T>,
  resultDetail?: (result: T) => Record<string, unknown>,
): Promise<T> {
  const admin = await requireAdministrator(request, options, action);
  return audited(request, options, action, () => work(admin), resultDetail);
}

/**
 * Runs an action whose caller is already known (checked before its request
 * was read, or a user's own settings), audited whichever way it ends: a
 * refusal with its code as the reason.
 */
export async function audited<T>(
  request: FastifyRequest,
  options: ResolvedOptions,
  action: Pick<AdminAction, 'action' | 'detail'>,
  work: () => Promise<T>,
  resultDetail?: (result: T) => Record<string, unknown>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const refused = error instanceof AdminRefusal || (error instanceof ApiError && error.code !== 'login-required');
    if (refused) await auditRequest(request, options, { action: action.action, outcome: 'refused', detail: { ...action.detail, reason: error.code } });
    throw error;
  }
  await auditRequest(request, options, { action: action.action, outcome: 'allowed', detail: { ...action.detail, ...resultDetail?.(result) } });
  return result;
}
