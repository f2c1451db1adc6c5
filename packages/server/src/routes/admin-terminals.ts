/**
 * 端末管理: an operator (any facility) or a facility administrator (their own)
 * issues a terminal certificate for a named PC, lists, renews and revokes them.
 * A revocation takes effect on the terminal's next request.
 */
import { scopeCoversFacility, type AdminScope } from '@renkei/access';
import { certifyTerminalOf, credentialRefusal, listTerminals, registerIssuedTerminal, renewTerminal, revokeTerminalInScope, type IssuedTerminal } from '@renkei/admin';
import { issueTerminalRequest, renewTerminalRequest, type FacilityChoice, type IssuedTerminalResponse, type TerminalList } from '@renkei/api';
import type { Db } from '@renkei/store';
import type { FastifyInstance } from 'fastify';
import { administer, administerRead, administrator, asGiven, auditedChange, refusalsAudited } from '../administration.js';
import { ApiError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { changeIdentity } from '../request-audit.js';
import { parseBody } from '../validation.js';

export async function adminTerminalRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const ca = () => {
    if (!options.networkCa) throw new ApiError(503, 'ca-unavailable', 'このサーバーでは端末証明書を発行できません（ネットワークCAが設定されていません）');
    return options.networkCa;
  };

  app.get('/api/admin/terminals', { config: { access: 'administrator', action: 'terminal.list' } }, async (request): Promise<TerminalList> => {
    const { terminals, scope } = await administerRead(request, options, { action: 'terminal.list' }, async ({ scope }) => ({
      terminals: await listTerminals(options.stores.identity, scope),
      scope,
    }));
    return {
      terminals: terminals.map((t) => ({
        serial: t.serial,
        facilityCode: t.facilityCode,
        facilityName: t.facilityName,
        name: t.name,
        status: t.status,
        notAfter: t.notAfter.toISOString(),
        createdAt: t.createdAt.toISOString(),
        revokedAt: t.revokedAt?.toISOString() ?? null,
        renewedFrom: t.renewedFrom,
      })),
      facilities: await facilitiesInScope(options.stores.identity, scope),
    };
  });

  app.post('/api/admin/terminals', { config: { access: 'administrator', action: 'terminal.issue' } }, async (request, reply): Promise<IssuedTerminalResponse> => {
    // Who asks is checked before what they sent is read.
    const { session, scope } = await administrator(request, options, { action: 'terminal.issue' });
    const body = parseBody(issueTerminalRequest, request.body);
    const action = { action: 'terminal.issue', detail: { facility: body.facilityCode } };
    // The key is made outside the transaction that registers it with its audit record.
    const certified = await refusalsAudited(request, options, action, async () => {
      if (!scopeCoversFacility(scope, body.facilityCode)) throw credentialRefusal('unknown-facility', 'facility outside scope');
      return certifyTerminalOf(options.stores.identity, ca(), body);
    });
    const issued = await auditedChange(
      request,
      options,
      action,
      async (tx) => (await registerIssuedTerminal(tx, certified, { ...body, issuedBy: session.user.id }), certified),
      (t) => ({ serial: t.serial }),
    );
    reply.code(201);
    return issuedResponse(issued, body.facilityCode, body.name);
  });

  app.post<{ Params: { serial: string } }>('/api/admin/terminals/:serial/renew', { config: { access: 'administrator', action: 'terminal.renew' } }, async (request) => {
    const action = { action: 'terminal.renew', detail: { replaced: asGiven(request.params.serial) } };
    const { session, scope } = await administrator(request, options, action);
    const body = parseBody(renewTerminalRequest, request.body ?? {});
    const renewed = await refusalsAudited(request, options, action, () =>
      renewTerminal(options.stores.identity, ca(), scope, request.params.serial, {
        password: body.password,
        issuedBy: session.user.id,
        // The renewal commits with its audit record; the new serial is known once the certificate is made.
        commit: (work) => changeIdentity(request, options, work, (renewal) => ({ action: 'terminal.renew', outcome: 'allowed', detail: { ...action.detail, ...(renewal as object) } })),
      }),
    );
    return { ...issuedResponse(renewed, renewed.facilityCode, renewed.name), replaced: renewed.replaced };
  });

  app.post<{ Params: { serial: string } }>('/api/admin/terminals/:serial/revoke', { config: { access: 'administrator', action: 'terminal.revoke' } }, async (request) => {
    const revoked = await administer(
      request,
      options,
      { action: 'terminal.revoke', detail: { serial: asGiven(request.params.serial) } },
      ({ scope }, tx) => revokeTerminalInScope(tx, scope, request.params.serial),
      (t) => ({ facility: t.facilityCode }),
    );
    return { serial: revoked.serial, status: 'revoked' as const };
  });
}

function issuedResponse(issued: IssuedTerminal, facilityCode: string | null, name: string): IssuedTerminalResponse {
  return { serial: issued.serial, facilityCode, name, notAfter: issued.notAfter.toISOString(), password: issued.password, p12: issued.p12.toString('base64') };
}

/** The active facilities an administrator may issue terminals and IDs for. */
export async function facilitiesInScope(identity: Db, scope: AdminScope): Promise<FacilityChoice[]> {
  const { rows } = await identity.query<{ code: string; name: string }>(
    "SELECT code, name FROM facilities WHERE status = 'active' AND ($1::text IS NULL OR code = $1) ORDER BY code",
    [scope.network ? null : scope.facilityCode],
  );
  return rows.map((r) => ({ code: r.code.trim(), name: r.name }));
}
