/**
 * 利用者管理: an operator (any facility) or a facility administrator (their own,
 * no operators) issues staff IDs with a one-time password, lists them with the
 * ones unused for a while flagged, deactivates, reactivates, resets.
 */
import { ROLES } from '@renkei/access';
import { issueUser, listUsers, resetUserPassword, scopeMayGrantRole, setUserActive } from '@renkei/admin';
import { issueUserRequest, type IssuedPasswordResponse, type UserList } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { administer, asGiven, audited, requireAdministrator } from '../administration.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';
import { facilitiesInScope } from './admin-terminals.js';

export async function adminUserRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get('/api/admin/users', async (request): Promise<UserList> => {
    const { users, scope } = await administer(request, options, { action: 'user.list', detail: {} }, async ({ scope }) => ({
      users: await listUsers(options.stores.identity, scope, { unusedDays: options.unusedAccountDays }),
      scope,
    }));
    return {
      users: users.map((u) => ({ ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString() })),
      facilities: await facilitiesInScope(options.stores.identity, scope),
      roles: ROLES.filter((role) => scopeMayGrantRole(scope, role)),
      unusedDays: options.unusedAccountDays,
    };
  });

  app.post('/api/admin/users', async (request, reply): Promise<IssuedPasswordResponse> => {
    // Who asks is checked before what they sent is read: a clerk gets 403 (audited) whatever the body.
    const { session, scope } = await requireAdministrator(request, options, { action: 'user.issue' });
    const body = parseBody(issueUserRequest, request.body);
    const issued = await audited(request, options, { action: 'user.issue', detail: { user: body.id, role: body.role, facility: body.facilityCode } }, () =>
      issueUser(options.stores.identity, scope, body, session.user.id),
    );
    reply.code(201);
    return issued;
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    app.post<{ Params: { id: string } }>(`/api/admin/users/:id/${path}`, async (request) => {
      const done = await administer(
        request,
        options,
        { action: `user.${path}`, detail: { user: asGiven(request.params.id) } },
        ({ session, scope }) => setUserActive(options.stores.identity, scope, request.params.id, active, session.user.id),
        (u) => ({ facility: u.facilityCode }),
      );
      return { id: done.id, active };
    });
  }

  app.post<{ Params: { id: string } }>('/api/admin/users/:id/reset-password', async (request): Promise<IssuedPasswordResponse> => {
    const reset = await administer(
      request,
      options,
      { action: 'user.reset-password', detail: { user: asGiven(request.params.id) } },
      ({ session, scope }) => resetUserPassword(options.stores.identity, scope, request.params.id, session.user.id),
      (u) => ({ facility: u.facilityCode }),
    );
    return { id: reset.id, password: reset.password };
  });
}
