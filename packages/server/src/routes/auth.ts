import { adminScope, authenticate, closeSession, facilityStatus, mayLogInAt, openSession, readsHistories, servesDesk, type StaffUser } from '@renkei/access';
import { loginRequest, type Me } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { SESSION_COOKIE, sessionOf, terminalOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, changeIdentity } from '../request-audit.js';
import { DEMO_TERMINAL_COOKIE, type RequestTerminal } from '../terminal.js';
import { parseBody } from '../validation.js';

/** One answer for a wrong password, an unknown ID, a deactivated or a locked one: IDs cannot be probed, and a lockout cannot be told from a typo. */
const loginFailed = () => new ApiError(401, 'login-failed', 'IDまたはパスワードが違います。失敗が続いた場合は、しばらく時間をおいてからお試しください');

const COOKIE = { path: '/', httpOnly: true, secure: true, sameSite: 'strict' } as const;

export async function authRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.post('/api/login', { config: { access: 'terminal', action: 'login', rateLimit: 'login' } }, async (request, reply) => {
    const { userId, password } = parseBody(loginRequest, request.body);
    const presented = terminalOf(request);
    const result = await authenticate(options.stores.identity, { userId, password, terminalSerial: presented.serial }, options.limits);
    if (result.status !== 'ok') {
      // The typed ID goes to the audit trail only when it is a real account: a mistyped password in the ID field is not kept.
      await auditRequest(request, options, { actor: result.userExists ? userId : 'unknown-user', action: 'login', outcome: 'refused', detail: { reason: result.reason } });
      throw loginFailed();
    }
    const terminal = demoTerminalFor(presented, result.user, options) ?? presented;
    const facilityIsActive = result.user.facilityCode === null || (await facilityStatus(options.stores.identity, result.user.facilityCode)) === 'active';
    const refusal = workplaceRefusal(result.user, terminal, facilityIsActive);
    if (refusal) {
      await auditRequest(request, options, { actor: result.user.id, action: 'login', outcome: 'refused', detail: { reason: refusal.code } });
      throw refusal;
    }
    request.terminal = terminal;
    request.session = { tokenHash: '', user: result.user, terminalSerial: terminal.serial };
    const { token } = await changeIdentity(
      request,
      options,
      (tx) => openSession(tx, result.user, terminal.serial),
      (opened) => ({ action: 'login', outcome: 'allowed', detail: { endedSessions: opened.endedSessions, failuresSinceLastLogin: result.failuresSinceLastLogin } }),
    );
    reply.setCookie(SESSION_COOKIE, token, COOKIE);
    if (terminal.demo) reply.setCookie(DEMO_TERMINAL_COOKIE, terminal.serial, COOKIE);
    return { ...(await me(result.user, terminal, options)), failedLoginsSinceLastLogin: result.failuresSinceLastLogin };
  });

  app.post('/api/logout', { config: { access: 'session', action: 'logout', whileOneTimePassword: true } }, async (request, reply) => {
    const session = sessionOf(request);
    await changeIdentity(request, options, (tx) => closeSession(tx, session.tokenHash), { action: 'logout', outcome: 'allowed' });
    reply.clearCookie(SESSION_COOKIE, COOKIE);
    return { ok: true };
  });

  /** The terminal this connection is, before anyone logs in: the login screen names it, and warns in demo mode. */
  app.get('/api/terminal', { config: { access: 'terminal' } }, async (request) => {
    const { name, facilityCode, demo } = terminalOf(request);
    return { name, facilityCode, demo };
  });

  app.get('/api/me', { config: { access: 'session', whileOneTimePassword: true } }, async (request) => me(sessionOf(request).user, terminalOf(request), options));
}

/** Why this user may not work on this terminal, if they may not (the policy's rule, and the facility's standing). */
function workplaceRefusal(user: StaffUser, terminal: RequestTerminal, facilityIsActive: boolean): ApiError | undefined {
  if (!facilityIsActive) return new ApiError(403, 'facility-inactive', '所属施設の参加が停止中または終了しているため、ログインできません。連携の事務局にお問い合わせください');
  if (!mayLogInAt(user, terminal)) return new ApiError(403, 'terminal-not-yours', 'この端末ではログインできません。所属施設（運用者は事務局）の端末からログインしてください');
  return undefined;
}

/** In demo mode, the browser on this PC stands for the demo terminal of the user's own facility (or the secretariat's). */
function demoTerminalFor(presented: RequestTerminal, user: StaffUser, options: ResolvedOptions): RequestTerminal | undefined {
  if (!presented.demo) return undefined;
  const own = options.demoTerminals?.find((t) => mayLogInAt(user, t));
  return own ? { serial: own.serial, facilityCode: own.facilityCode, name: own.name, demo: true } : undefined;
}

async function me(user: Me['user'], terminal: { serial: string; name: string; facilityCode: string | null; demo: boolean }, options: ResolvedOptions): Promise<Me> {
  return {
    user,
    terminal,
    canReadHistories: readsHistories(user.role),
    canServeDesk: servesDesk(user.role),
    canAdminister: adminScope(user) !== undefined,
    myNumberCards: (await options.jpki.current()) !== undefined,
  };
}
