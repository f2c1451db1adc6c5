/** 個人設定: every logged-in user changes their own password and e-mail address. */
import { changeOwnEmail, changeOwnPassword, readOwnSettings } from '@renkei/admin';
import { changeEmailRequest, changePasswordRequest, type OwnSettings } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { audited } from '../administration.js';
import { requireSession } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

export async function settingsRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get('/api/me/settings', async (request): Promise<OwnSettings> => readOwnSettings(options.stores.identity, requireSession(request).user.id));

  /** Also the way out of a one-time password: the gate lets nothing else through until it is changed. */
  app.post('/api/me/password', async (request) => {
    const session = requireSession(request);
    const passwords = parseBody(changePasswordRequest, request.body);
    await audited(request, options, { action: 'me.password', detail: {} }, () =>
      changeOwnPassword(options.stores.identity, { id: session.user.id, sessionTokenHash: session.tokenHash }, passwords, options.policy),
    );
    return { ok: true };
  });

  app.post('/api/me/email', async (request): Promise<OwnSettings> => {
    const session = requireSession(request);
    const { email } = parseBody(changeEmailRequest, request.body);
    // The address itself stays out of the audit trail: that it changed is enough.
    await audited(request, options, { action: 'me.email', detail: { cleared: email === '' } }, () => changeOwnEmail(options.stores.identity, session.user.id, email === '' ? null : email));
    return { email: email === '' ? null : email };
  });
}
