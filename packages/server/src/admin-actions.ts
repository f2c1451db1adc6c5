/**
 * Every administrative action, allowed or refused, goes to the audit trail
 * with the acting user's identity; a refusal becomes the console's answer.
 */
import { AdminRefusal, type AdminRefusalCode, type AdminScope } from '@renkei/admin';
import type { Session } from '@renkei/access';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { auditRequest, requireAdministrator, requireSession } from './gate.js';
import type { ResolvedOptions } from './options.js';

/** Not found covers another facility's terminal, user or facility too: one answer, so that nothing can be probed. */
const ANSWERS: Record<AdminRefusalCode, [status: number, message: string]> = {
  'not-found': [404, '該当する端末または利用者が見つかりません'],
  'already-revoked': [409, 'この端末証明書はすでに失効しています'],
  'unknown-facility': [404, '該当する施設が見つかりません'],
  'facility-required': [400, 'この職種には所属施設が必要です'],
  'role-not-allowed': [403, 'この職種のIDは発行できません（ネットワーク運用者のIDは運用者が発行します）'],
  'id-taken': [409, 'この利用者IDはすでに使われています。別のIDにしてください'],
  'own-account': [409, '自分自身のIDにはこの操作はできません。パスワードは個人設定で変更してください'],
  'wrong-password': [403, '現在のパスワードが違います'],
  'account-locked': [403, 'パスワードの誤りが続いたため、このIDは一時的にロックされています。しばらくしてからお試しください'],
  'weak-password': [400, 'パスワードが条件を満たしていません'],
};

export function adminRefusalError(refusal: AdminRefusal): ApiError {
  const [status, message] = ANSWERS[refusal.code];
  // A weak password's reason is the rule it broke (Japanese, nothing personal): the user needs it to choose again.
  return new ApiError(status, refusal.code, refusal.code === 'weak-password' ? refusal.message : message);
}

/** An id from the URL, as the audit trail keeps it: whatever was typed, but never more than an id's length. */
export const asGiven = (id: string) => id.slice(0, 64);

export interface AdminAction {
  action: string;
  detail: Record<string, unknown>;
}

/** Runs an action of an administrator (operator or facility administrator), audited whichever way it ends. */
export function administer<T>(
  request: FastifyRequest,
  options: ResolvedOptions,
  audit: AdminAction,
  work: (admin: { session: Session; scope: AdminScope }) => Promise<T>,
  resultDetail?: (result: T) => Record<string, unknown>,
): Promise<T> {
  return audited(request, options, audit, () => work(requireAdministrator(request)), resultDetail);
}

/** Runs an action of any logged-in user on their own account, audited whichever way it ends. */
export function ownAction<T>(request: FastifyRequest, options: ResolvedOptions, audit: AdminAction, work: (session: Session) => Promise<T>): Promise<T> {
  return audited(request, options, audit, () => work(requireSession(request)));
}

async function audited<T>(request: FastifyRequest, options: ResolvedOptions, audit: AdminAction, work: () => Promise<T>, resultDetail?: (result: T) => Record<string, unknown>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const reason = error instanceof AdminRefusal ? error.code : error instanceof ApiError && error.code !== 'login-required' ? error.code : undefined;
    if (reason) await auditRequest(request, options, { action: audit.action, outcome: 'refused', detail: { ...audit.detail, reason } });
    throw error instanceof AdminRefusal ? adminRefusalError(error) : error;
  }
  await auditRequest(request, options, { action: audit.action, outcome: 'allowed', detail: { ...audit.detail, ...resultDetail?.(result) } });
  return result;
}
