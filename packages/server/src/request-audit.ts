/**
 * The audit of requests: each request's caller as the trail names them, reads
 * and refusals recorded before the answer, and changes recorded in their own
 * transaction (`AuditLog`). A refusal the handler did not record itself is
 * recorded by the error handler (`auditRefusal`), so that every refusal after
 * the TLS handshake is on the trail; refusals of callers without a terminal
 * are sampled, so that noise cannot flood it.
 */
import { terminalContext, type RequestContext } from '@renkei/access';
import type { AuditEvent, ChangeEvent } from '@renkei/audit';
import type { Db } from '@renkei/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResolvedOptions } from './options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A refusal of this request is on the trail already. */
    refusalAudited: boolean;
  }
}

export function registerRequestAudit(app: FastifyInstance): void {
  app.decorateRequest('refusalAudited', false);
}

/** The caller as services take it: the gate's terminal and session. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.terminal) return { terminal: null, session: null, actor: { actor: 'anonymous', actorKind: 'person', role: null, facility: null, terminal: null } };
  return terminalContext(request.terminal, request.session);
}

/** Demo terminals are marked on every record they cause. */
function withDemoMark(request: FastifyRequest, event: AuditEvent): AuditEvent {
  return request.terminal?.demo ? { ...event, detail: { ...event.detail, demoTerminal: true } } : event;
}

/** Records a read, a search or a refusal for this request, and waits until it is committed. `actor` names who acted when nobody is logged in yet (a login). */
export async function auditRequest(request: FastifyRequest, options: ResolvedOptions, event: AuditEvent & { actor?: string }): Promise<void> {
  const { actor, ...rest } = event;
  const context = contextOf(request);
  await options.audit.record({ ...context.actor, ...(actor !== undefined ? { actor } : {}) }, withDemoMark(request, rest));
  if (event.outcome === 'refused') request.refusalAudited = true;
}

/** A change to the identity store (`work`) with its audit record (`event`, or made from the change's result), committed together. */
export function changeIdentity<T>(request: FastifyRequest, options: ResolvedOptions, work: (tx: Db) => Promise<T>, event: ChangeEvent<T>): Promise<T> {
  return options.audit.changeIdentity(contextOf(request).actor, work, (result) => withDemoMark(request, typeof event === 'function' ? event(result) : event));
}

/** A change to the clinical store (`work`) with its audit record, committed together. */
export function changeClinical<T>(request: FastifyRequest, options: ResolvedOptions, work: (tx: Db) => Promise<T>, event: ChangeEvent<T>): Promise<T> {
  return options.audit.changeClinical(contextOf(request).actor, work, (result) => withDemoMark(request, typeof event === 'function' ? event(result) : event));
}

/** At most this many refusals a minute are recorded per address for callers without a terminal; the rest are counted into the next one recorded. */
const ANONYMOUS_REFUSALS_PER_MINUTE = 10;

/**
 * Noise from callers without a terminal, per address and minute, for one server.
 * Kept in the process only: it decides how much noise is written, not who gets
 * in, so a limit per process is enough (and costs no database write per request).
 */
export class AnonymousRefusalSampler {
  private readonly seen = new Map<string, { minute: number; recorded: number; suppressed: number }>();

  /** Whether to record this refusal; `suppressedBefore` counts the ones of the address's previous minute left out. */
  admit(address: string, now = Date.now()): { record: boolean; suppressedBefore?: number } {
    const minute = Math.floor(now / 60_000);
    let seen = this.seen.get(address);
    let suppressedBefore: number | undefined;
    if (!seen || seen.minute !== minute) {
      if (seen?.suppressed) suppressedBefore = seen.suppressed;
      seen = { minute, recorded: 0, suppressed: 0 };
      this.seen.delete(address);
      this.seen.set(address, seen);
      if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
    }
    if (seen.recorded >= ANONYMOUS_REFUSALS_PER_MINUTE) {
      seen.suppressed++;
      return { record: false };
    }
    seen.recorded++;
    return { record: true, ...(suppressedBefore ? { suppressedBefore } : {}) };
  }
}

/** Records a refusal the handler did not record; for callers without a terminal, sampled per address. */
export async function auditRefusal(request: FastifyRequest, options: ResolvedOptions, code: string, status: number): Promise<void> {
  if (request.refusalAudited) return;
  const route = request.routeOptions.url;
  const detail: Record<string, unknown> = { reason: code, status, method: request.method, ...(route ? { route } : {}) };
  if (!request.terminal) {
    const admitted = options.anonymousRefusals.admit(request.ip);
    if (!admitted.record) return;
    if (admitted.suppressedBefore) detail.suppressedBefore = admitted.suppressedBefore;
    detail.address = request.ip;
  }
  await auditRequest(request, options, { action: request.routeOptions.config.action ?? 'request', outcome: 'refused', detail });
}
