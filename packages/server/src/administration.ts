/**
 * Who may administer, in one place: the operator (the network's secretariat)
 * everything; a facility administrator their own facility only. A refusal is
 * audited like the action it refused, so that attempts are seen too.
 */
import { ParticipantRefusal } from '@renkei/admin';
import type { Session } from '@renkei/access';
import type { FastifyRequest } from 'fastify';
import { ApiError, roleForbidden } from './errors.js';
import { auditRequest, requireSession } from './gate.js';
import type { ResolvedOptions } from './options.js';

/** One answer for a facility that does not exist and one the caller may not see. */
export const facilityNotFound = () => new ApiError(404, 'facility-not-found', '該当する医療機関が見つかりません');

export async function requireOperator(request: FastifyRequest, options: ResolvedOptions, action: string): Promise<Session> {
  const session = requireSession(request);
  if (session.user.role === 'operator') return session;
  await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: 'role' } });
  throw roleForbidden();
}

/** The operator, or (for `facilityCode`, when given) that facility's own administrator. */
export async function requireAdministrator(request: FastifyRequest, options: ResolvedOptions, action: string, facilityCode?: string): Promise<Session> {
  const session = requireSession(request);
  const { role, facilityCode: own } = session.user;
  if (role === 'operator') return session;
  if (role !== 'facility-admin') {
    await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: 'role' } });
    throw roleForbidden();
  }
  if (facilityCode !== undefined && facilityCode !== own) {
    await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: 'other facility', facility: facilityCode } });
    throw facilityNotFound();
  }
  return session;
}

/** Runs an administrative change and audits it, allowed or refused; a refusal becomes the HTTP answer it calls for. */
export async function administered<T>(request: FastifyRequest, options: ResolvedOptions, audit: { action: string; detail: Record<string, unknown> }, change: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await change();
  } catch (error) {
    if (!(error instanceof ParticipantRefusal)) throw error;
    await auditRequest(request, options, { action: audit.action, outcome: 'refused', detail: { ...audit.detail, reason: error.code } });
    if (error.kind === 'not-found') throw new ApiError(404, error.code, error.message);
    throw new ApiError(error.kind === 'conflict' ? 409 : 400, error.code, error.message);
  }
  await auditRequest(request, options, { action: audit.action, outcome: 'allowed', detail: audit.detail });
  return result;
}
