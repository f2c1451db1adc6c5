/**
 * Administrative actions and their audit, in one place. The gate has checked
 * the role a route declares (`administrator`: the operator or a facility
 * administrator; `operator`); here each action finds what the caller
 * administers (`AdminScope`, the policy's) and checks the facility it acts on.
 * A change commits with its audit record; a read is audited before it is
 * answered; a refusal is audited with its code and thrown, and the error
 * handler answers it.
 */
import { adminScope, Refusal, scopeCoversFacility, type AdminScope, type Session } from '@renkei/access';
import { facilityNotFound } from '@renkei/admin';
import type { Db } from '@renkei/store';
import type { FastifyRequest } from 'fastify';
import { ApiError, roleForbidden } from './errors.js';
import { sessionOf } from './gate.js';
import type { ResolvedOptions } from './options.js';
import { auditRequest, changeIdentity } from './request-audit.js';

/** The acting administrator: their session and what they administer. */
export interface Admin {
  session: Session;
  scope: AdminScope;
}

/** An action as the audit trail names it (`terminal.issue`, `admin.facility.update`), and what it acts on. */
export interface AdminAction {
  action: string;
  detail?: Record<string, unknown>;
  /** The facility acted on: outside the administrator's scope it answers as an unknown facility does (404). */
  facility?: string;
}

/** An id from the URL, as the audit trail keeps it: whatever was typed, but never more than an id's length. */
export const asGiven = (id: string) => id.slice(0, 64);

/** The caller's scope, and the facility acted on checked against it; a refusal is audited and thrown. */
export async function administrator(request: FastifyRequest, options: ResolvedOptions, action: AdminAction): Promise<Admin> {
  const session = sessionOf(request);
  const scope = adminScope(session.user);
  if (!scope) {
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
 * A change to the identity store by an administrator: the caller checked
 * (`administrator`), then `work` in one transaction with its audit record;
 * `resultDetail` adds what only the result knows. A refusal is audited.
 */
export async function administer<T>(
  request: FastifyRequest,
  options: ResolvedOptions,
  action: AdminAction,
  work: (admin: Admin, tx: Db) => Promise<T>,
  resultDetail?: (result: T) => Record<string, unknown>,
): Promise<T> {
  const admin = await administrator(request, options, action);
  return auditedChange(request, options, action, (tx) => work(admin, tx), resultDetail);
}

/** A read by an administrator, audited before it is answered. */
export async function administerRead<T>(request: FastifyRequest, options: ResolvedOptions, action: AdminAction, work: (admin: Admin) => Promise<T>, resultDetail?: (result: T) => Record<string, unknown>): Promise<T> {
  const admin = await administrator(request, options, action);
  const result = await refusalsAudited(request, options, action, () => work(admin));
  await auditRequest(request, options, { action: action.action, outcome: 'allowed', detail: { ...action.detail, ...resultDetail?.(result) } });
  return result;
}

/** A change to the identity store whose caller is already known (checked before its request was read, or a user's own settings), committed with its audit record. */
export function auditedChange<T>(
  request: FastifyRequest,
  options: ResolvedOptions,
  action: Pick<AdminAction, 'action' | 'detail'>,
  work: (tx: Db) => Promise<T>,
  resultDetail?: (result: T) => Record<string, unknown>,
): Promise<T> {
  return refusalsAudited(request, options, action, () =>
    changeIdentity(request, options, work, (result: T) => ({ action: action.action, outcome: 'allowed', detail: { ...action.detail, ...resultDetail?.(result) } })),
  );
}

/** Runs `work`; a refusal it throws is audited with its code as the reason, then thrown on. */
export async function refusalsAudited<T>(request: FastifyRequest, options: ResolvedOptions, action: Pick<AdminAction, 'action' | 'detail'>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal || error instanceof ApiError) {
      await auditRequest(request, options, { action: action.action, outcome: 'refused', detail: { ...action.detail, reason: error.code } });
    }
    throw error;
  }
}
