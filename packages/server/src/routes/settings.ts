/** 個人設定: every logged-in user changes their own password and e-mail address. */
import { changeOwnEmail, changeOwnPassword, readOwnSettings } from '@renkei/admin';
import { changeEmailRequest, changePasswordRequest, type OwnSettings } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { auditedChange, refusalsAudited } from '../administration.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { changeIdentity } from '../request-audit.js';
import { parseBody } from '../validation.js';

export async function settingsRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get('/api/me/settings', { config: { access: 'session' } }, async (request): Promise<OwnSettings> => readOwnSettings(options.stores.identity, sessionOf(request).user.id));

  /** Also the way out of a one-time password: the gate lets nothing else through until it is changed. */
  app.post('/api/me/password', { config: { access: 'session', action: 'me.password', whileOneTimePassword: true } }, async (request) => {
    const session = sessionOf(request);
    const passwords = parseBody(changePasswordRequest, request.body);
    const action = { action: 'me.password', detail: {} };
    await refusalsAudited(request, options, action, () =>
      changeOwnPassword(options.stores.identity, { id: session.user.id, sessionTokenHash: session.tokenHash, terminalSerial: session.terminalSerial }, passwords, options.limits, (work) =>
        changeIdentity(request, options, work, { action: action.action, outcome: 'allowed', detail: {} }),
      ),
    );
    return { ok: true };
  });

  app.post('/api/me/email', { config: { access: 'session', action: 'me.email' } }, async (request): Promise<OwnSettings> => {
    const session = sessionOf(request);
    const { email } = parseBody(changeEmailRequest, request.body);
    // The address itself stays out of the audit trail: that it changed is enough.
    await auditedChange(request, options, { action: 'me.email', detail: { cleared: email === '' } }, (tx) => changeOwnEmail(tx, session.user.id, email === '' ? null : email));
    return { email: email === '' ? null : email };
  });
}
