import { authenticate, canReadHistories, canServeDesk, closeSession, openSession } from '@renkei/access';
import { adminScope } from '@renkei/admin';
import { loginRequest, type Me } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { auditRequest, requireSession, SESSION_COOKIE } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

export async function authRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.post('/api/login', async (request, reply) => {
    const { userId, password } = parseBody(loginRequest, request.body);
    const result = await authenticate(options.stores.identity, userId, password, options.policy);
    if (result.status !== 'ok') {
      // The typed ID goes to the audit trail only when it is a real account: a mistyped password in the ID field is not kept.
      await auditRequest(request, options, { actor: result.status === 'refused' && !result.userExists ? 'unknown-user' : userId, action: 'login', outcome: 'refused', detail: { reason: result.status } });
      if (result.status === 'locked') throw new ApiError(401, 'account-locked', 'ログインの失敗が続いたため、このIDは一時的にロックされています。しばらくしてからお試しください');
      throw new ApiError(401, 'login-failed', 'IDまたはパスワードが違います');
    }
    const token = await openSession(options.stores.identity, result.user.id, request.terminal!.serial);
    request.session = { tokenHash: '', user: result.user, terminalSerial: request.terminal!.serial };
    await auditRequest(request, options, { action: 'login', outcome: 'allowed' });
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
    return me(request.session.user, request.terminal!, options);
  });

  app.post('/api/logout', async (request, reply) => {
    const session = requireSession(request);
    await closeSession(options.stores.identity, session.tokenHash);
    await auditRequest(request, options, { action: 'logout', outcome: 'allowed' });
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
    return { ok: true };
  });

  /** The terminal this connection is, before anyone logs in: the login screen names it, and warns in demo mode. */
  app.get('/api/terminal', async (request) => {
    const { name, facilityCode, demo } = request.terminal!;
    return { name, facilityCode, demo };
  });

  app.get('/api/me', async (request) => me(requireSession(request).user, request.terminal!, options));
}

async function me(user: Me['user'], terminal: { serial: string; name: string; facilityCode: string; demo: boolean }, options: ResolvedOptions): Promise<Me> {
  return {
    user,
    terminal,
    canReadHistories: canReadHistories(user.role),
    canServeDesk: canServeDesk(user.role),
    canAdminister: adminScope(user) !== undefined,
    myNumberCards: (await options.jpki.current()) !== undefined,
  };
}
