/**
 * The three-factor gate, in one place. Every /api request but /api/health needs
 * a registered terminal; routes then ask for a session (`requireSession`) or
 * for an open patient access (`patient-records.ts`), never check on their own.
 */
import { canReadHistories, canServeDesk, identifyCaller, type PatientAccess, type Session } from '@renkei/access';
import type { AuditEntry } from '@renkei/audit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, loginRequired, passwordChangeRequired, roleForbidden, terminalRequired } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { PUBLIC_PATHS } from './routes/public.js';
import { presentedTerminal, type RequestTerminal } from './terminal.js';

export const SESSION_COOKIE = '__Host-renkei-session';

declare module 'fastify' {
  interface FastifyRequest {
    terminal: RequestTerminal | null;
    session: Session | null;
    /** For /api/patient-access/{id}/…: that access as the gate found it (open, or not: undefined). */
    patientAccess: { id: string; open: PatientAccess | undefined } | null;
  }
}

/** Routes of patient data: the gate checks their access id with the other two factors, in the same query. */
const PATIENT_ROUTE = '/api/patient-access/:accessId/';

/** Paths that answer without a terminal certificate: exact paths, never a prefix, so nothing new opens by accident. */
const OPEN_PATHS = new Set<string>(['/api/health', ...PUBLIC_PATHS]);

/** All a user whose password is a one-time one (first login, or reset) may do: change it, or leave. */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/terminal', '/api/login', '/api/logout', '/api/me', '/api/me/password']);

export function registerGate(app: FastifyInstance, options: ResolvedOptions): void {
  app.decorateRequest('terminal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('patientAccess', null);
  app.addHook('onRequest', async (request) => {
    // Only "/path" targets: an absolute URL ("https://host/api/…") is routed by its path, and must not be judged by its whole text.
    if (!request.url.startsWith('/')) throw new ApiError(400, 'bad-request', '要求が正しくありません');
    // Judged by the route that will answer (its pattern), however the client spelled or encoded the path; unrouted paths by their text.
    const path = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (!path.startsWith('/api/') || OPEN_PATHS.has(path)) return;
    const presented = presentedTerminal(request, options);
    if (!presented) throw terminalRequired();
    const accessId = path.startsWith(PATIENT_ROUTE) ? (request.params as { accessId?: string }).accessId : undefined;
    const caller = await identifyCaller(options.stores.identity, { terminalSerial: presented.serial, sessionToken: request.cookies[SESSION_COOKIE], accessId }, options.policy);
    if (!caller) throw terminalRequired();
    request.terminal = { ...caller.terminal, demo: presented.demo };
    request.session = caller.session ?? null;
    if (accessId !== undefined && caller.session) request.patientAccess = { id: accessId, open: caller.patientAccess };
    if (request.session?.user.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(path)) throw passwordChangeRequired();
  });
}

export function requireSession(request: FastifyRequest): Session {
  if (!request.session) throw loginRequired();
  return request.session;
}

/** A session whose user may read patients' histories (licensed clinicians). */
export function requireClinician(request: FastifyRequest): Session {
  const session = requireSession(request);
  if (!canReadHistories(session.user.role)) throw roleForbidden();
  return session;
}

/** Desk staff (clerk, liaison, facility administrator): enrollment, cards, consent, the access log. */
export function requireDesk(request: FastifyRequest): Session {
  const session = requireSession(request);
  if (!canServeDesk(session.user.role)) throw roleForbidden();
  return session;
}

/** Writes an audit record for this request (who, from which facility and terminal), and waits until it is committed. */
export async function auditRequest(request: FastifyRequest, options: ResolvedOptions, entry: Omit<AuditEntry, 'actor' | 'actorKind' | 'role' | 'facility' | 'terminal'> & { actor?: string }): Promise<void> {
  const user = request.session?.user;
  await options.audit.append({
    actor: entry.actor ?? user?.id ?? 'anonymous',
    actorKind: 'person',
    role: user?.role ?? null,
    facility: user?.facilityCode ?? request.terminal?.facilityCode ?? null,
    terminal: request.terminal?.serial ?? null,
    action: entry.action,
    pseudonym: entry.pseudonym ?? null,
    outcome: entry.outcome,
    detail: { ...entry.detail, ...(request.terminal?.demo ? { demoTerminal: true } : {}) },
  });
}
