/**
 * The gate, in one place. Every route declares who may call it in its route
 * options (`{ config: { access: 'desk' } }`, the kinds are the policy's
 * `RouteAccess`); the gate enforces the declaration before the handler runs,
 * and refuses a route that declares nothing. Handlers then find the caller on
 * the request (`request.caller`), already checked: they never check roles
 * themselves.
 */
import { identifyCaller, isRouteAccess, mayCall, readStudyToken, routeNeedsSession, type PatientAccess, type RouteAccess, type Session } from '@renkei/access';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, loginRequired, passwordChangeRequired, roleForbidden, terminalRequired } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { presentedTerminal, type RequestTerminal } from './terminal.js';

export const SESSION_COOKIE = '__Host-renkei-session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (see `RouteAccess`); a route without one is refused. */
    access?: RouteAccess;
    /** Also answered while the user's password is a one-time one (changing it, leaving). */
    whileOneTimePassword?: boolean;
    /** The action as the audit trail names it, for refusals made before the handler runs. */
    action?: string;
    /** A GET (or HEAD) of one study (`:study`): a study token (`?access_token=`) may stand in for the session cookie. */
    studyToken?: boolean;
  }
  interface FastifyRequest {
    terminal: RequestTerminal | null;
    session: Session | null;
    /** For `patient` routes: the access in the URL as the gate found it (open, or not: undefined). */
    patientAccess: { id: string; open: PatientAccess | undefined } | null;
  }
}

/** A route that declares no access, found at start: the server refuses to run with one. */
export class UndeclaredRouteError extends Error {}

/** A registered route as the gate saw it. */
export interface RouteDeclaration {
  method: string | string[];
  url: string;
  config?: { access?: unknown };
}

const DECLARATIONS = new WeakMap<FastifyInstance, RouteDeclaration[]>();

/** Every route the app registered, with what it declares: for the tests that hold the whole surface to the rules. */
export function routeDeclarations(app: FastifyInstance): readonly RouteDeclaration[] {
  return DECLARATIONS.get(app) ?? [];
}

export function registerGate(app: FastifyInstance, options: ResolvedOptions): void {
  app.decorateRequest('terminal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('patientAccess', null);

  // Deny by default, twice: at start, any route without a declaration stops the server from starting; at run time, one answers nothing.
  const routes: RouteDeclaration[] = [];
  DECLARATIONS.set(app, routes);
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onReady', async () => {
    const undeclared = routes.filter((r) => !isRouteAccess(r.config?.access)).map((r) => `${[r.method].flat().join(',')} ${r.url}`);
    if (undeclared.length > 0) throw new UndeclaredRouteError(`routes without an access declaration: ${undeclared.join('; ')}`);
  });

  app.addHook('onRequest', async (request) => {
    // Only "/path" targets: an absolute URL ("https://host/api/…") is routed by its path, and must not be judged by its whole text.
    if (!request.url.startsWith('/')) throw new ApiError(400, 'bad-request', '要求が正しくありません');
    const access = declaredAccess(request);
    if (access === 'open') return;
    const presented = presentedTerminal(request, options);
    if (!presented) throw terminalRequired();
    const accessId = access === 'patient' ? (request.params as { accessId?: string }).accessId : undefined;
    const sessionToken = request.cookies[SESSION_COOKIE];
    const sessionHash = sessionToken === undefined ? studyTokenSession(request, presented.serial, options) : undefined;
    const caller = await identifyCaller(options.stores.identity, { terminalSerial: presented.serial, sessionToken, sessionHash, accessId }, options.limits);
    if (!caller) throw terminalRequired();
    request.terminal = { ...caller.terminal, demo: presented.demo };
    request.session = caller.session ?? null;
    if (!routeNeedsSession(access)) return;
    if (!request.session) throw loginRequired();
    if (request.session.user.mustChangePassword && !request.routeOptions.config.whileOneTimePassword) throw passwordChangeRequired();
    if (!mayCall(access, request.session.user)) throw roleForbidden();
    if (accessId !== undefined) request.patientAccess = { id: accessId, open: caller.patientAccess };
  });
}

/** The session a study token in the URL names, on a route that takes one, for its study on this terminal; else none (and the caller is not logged in). */
function studyTokenSession(request: FastifyRequest, terminalSerial: string, options: ResolvedOptions): string | undefined {
  if (!request.routeOptions.config.studyToken || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
  const token = (request.query as { access_token?: unknown }).access_token;
  const studyUid = (request.params as { study?: unknown }).study;
  if (typeof token !== 'string' || typeof studyUid !== 'string') return undefined;
  return readStudyToken(options.studyTokenKey, token, { terminalSerial, studyUid });
}

/**
 * What the route that answers declares. A path no route answers is the web
 * app's page, unless it looks like the API (it is then judged as one needing
 * a terminal, so that an unknown API path tells nothing without one).
 */
function declaredAccess(request: FastifyRequest): RouteAccess {
  const config = request.routeOptions.config;
  if (request.routeOptions.url === undefined) return isApiPath(request.url) ? 'terminal' : 'open';
  if (!isRouteAccess(config.access)) throw new ApiError(500, 'route-undeclared', 'この操作は利用できません');
  return config.access;
}

/** /api/… and /dicomweb/…, however the client encoded the path. */
export function isApiPath(url: string): boolean {
  let path = url.split('?')[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {
    return true;
  }
  return path.startsWith('/api/') || path.startsWith('/dicomweb/');
}

/** The session of a route declared to need one: the gate has checked it. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw loginRequired();
  return request.session;
}

/** The terminal of a route declared to need one: the gate has checked it. */
export function terminalOf(request: FastifyRequest): RequestTerminal {
  if (!request.terminal) throw terminalRequired();
  return request.terminal;
}
