/**
 * 利用者管理: an operator (any facility) or a facility administrator (their own,
 * no operators) issues staff IDs with a one-time password, lists them with the
 * ones unused for a while flagged, deactivates, reactivates, resets. Clinicians'
 * IDs come from the operator only: a facility administrator applies for them
 * (利用者申請), and the operator approves or refuses.
 */
import { ROLES, scopeMayGrantRole } from '@renkei/access';
import { applyForUser, decideUserApplication, issueUser, listUserApplications, listUsers, resetUserPassword, setUserActive, type UserApplication } from '@renkei/admin';
import { issueUserRequest, userApplicationDecision, userApplicationRequest, type IssuedPasswordResponse, type UserApplicationItem, type UserList } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { administer, administerRead, administrator, asGiven, auditedChange } from '../administration.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';
import { facilitiesInScope } from './admin-terminals.js';

export async function adminUserRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const identity = options.stores.identity;

  app.get('/api/admin/users', { config: { access: 'administrator', action: 'user.list' } }, async (request): Promise<UserList> => {
    const { users, scope } = await administerRead(request, options, { action: 'user.list' }, async ({ scope }) => ({
      users: await listUsers(identity, scope, { unusedDays: options.unusedAccountDays }),
      scope,
    }));
    return {
      users: users.map((u) => ({ ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString() })),
      facilities: await facilitiesInScope(identity, scope),
      roles: ROLES.filter((role) => scopeMayGrantRole(scope, role)),
      unusedDays: options.unusedAccountDays,
    };
  });

  app.post('/api/admin/users', { config: { access: 'administrator', action: 'user.issue' } }, async (request, reply): Promise<IssuedPasswordResponse> => {
    // Who asks is checked before what they sent is read.
    const { session, scope } = await administrator(request, options, { action: 'user.issue' });
    const body = parseBody(issueUserRequest, request.body);
    const issued = await auditedChange(request, options, { action: 'user.issue', detail: { user: body.id, role: body.role, facility: body.facilityCode } }, (tx) =>
      issueUser(tx, scope, body, session.user.id),
    );
    reply.code(201);
    return issued;
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    app.post<{ Params: { id: string } }>(`/api/admin/users/:id/${path}`, { config: { access: 'administrator', action: `user.${path}` } }, async (request) => {
      const done = await administer(
        request,
        options,
        { action: `user.${path}`, detail: { user: asGiven(request.params.id) } },
        ({ session, scope }, tx) => setUserActive(tx, scope, request.params.id, active, session.user.id),
        (u) => ({ facility: u.facilityCode }),
      );
      return { id: done.id, active };
    });
  }

  app.post<{ Params: { id: string } }>('/api/admin/users/:id/reset-password', { config: { access: 'administrator', action: 'user.reset-password' } }, async (request): Promise<IssuedPasswordResponse> => {
    const reset = await administer(
      request,
      options,
      { action: 'user.reset-password', detail: { user: asGiven(request.params.id) } },
      ({ session, scope }, tx) => resetUserPassword(tx, scope, request.params.id, session.user.id),
      (u) => ({ facility: u.facilityCode }),
    );
    return { id: reset.id, password: reset.password };
  });

  app.get('/api/admin/user-applications', { config: { access: 'administrator', action: 'user-application.list' } }, async (request): Promise<{ applications: UserApplicationItem[] }> => {
    const applications = await administerRead(request, options, { action: 'user-application.list' }, ({ scope }) => listUserApplications(identity, scope), (list) => ({ applications: list.length }));
    return { applications: applications.map(applicationItem) };
  });

  app.post('/api/admin/user-applications', { config: { access: 'administrator', action: 'user-application.file' } }, async (request, reply) => {
    const { session, scope } = await administrator(request, options, { action: 'user-application.file' });
    const body = parseBody(userApplicationRequest, request.body);
    const filed = await auditedChange(request, options, { action: 'user-application.file', detail: { user: body.id, role: body.role, facility: body.facilityCode } }, (tx) =>
      applyForUser(tx, scope, body, session.user.id),
    );
    reply.code(201);
    return filed;
  });

  app.post<{ Params: { id: string } }>('/api/admin/user-applications/:id/decision', { config: { access: 'operator', action: 'user-application.decide' } }, async (request) => {
    const { session, scope } = await administrator(request, options, { action: 'user-application.decide' });
    const { approve, note } = parseBody(userApplicationDecision, request.body);
    const id = Number(request.params.id);
    const decided = await auditedChange(
      request,
      options,
      { action: 'user-application.decide', detail: { application: asGiven(request.params.id), approve, noteGiven: Boolean(note) } },
      (tx) => decideUserApplication(tx, scope, Number.isSafeInteger(id) ? id : -1, { approve, note: note || null }, session.user.id),
      (d) => ({ user: d.application.id, facility: d.application.facilityCode }),
    );
    return { application: applicationItem(decided.application), ...(decided.password !== undefined ? { password: decided.password } : {}) };
  });
}

function applicationItem(a: UserApplication): UserApplicationItem {
  return { ...a, email: a.email ?? null, appliedAt: a.appliedAt.toISOString(), decidedAt: a.decidedAt?.toISOString() ?? null };
}
