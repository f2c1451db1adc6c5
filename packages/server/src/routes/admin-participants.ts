/**
 * Network administration (参加機関管理): the operators of the network's
 * secretariat keep the insurers and facilities, their statuses and the
 * steering committee's approvals. A facility administrator sees their own
 * facility and may correct its address and phone, nothing else; another
 * facility is to them as unknown as a code that does not exist. Every change,
 * and every refused attempt, goes to the audit trail with the actor.
 */
import {
  addFacility,
  addInsurer,
  changeFacilityStatus,
  changeInsurerStatus,
  facilityNotFound,
  listFacilities,
  listInsurers,
  readFacility,
  recordCommitteeApproval,
  updateFacility,
  updateInsurer,
  type AdminScope,
} from '@renkei/admin';
import { addFacilityRequest, addInsurerRequest, committeeApprovalRequest, facilityStatusRequest, insurerStatusRequest, updateFacilityRequest, updateInsurerRequest, type AdminFacility, type Insurer, type StatusChangeRequest } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { asGiven, audited, requireAdministrator } from '../administration.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

export async function adminParticipantRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const identity = options.stores.identity;
  const prefecture = options.networkPrefecture;

  app.get('/api/admin/insurers', async (request): Promise<{ insurers: Insurer[] }> => {
    const action = { action: 'admin.insurer.list', operatorOnly: true };
    await requireAdministrator(request, options, action);
    return audited(request, options, action, async () => ({ insurers: await listInsurers(identity) }));
  });

  app.post('/api/admin/insurers', async (request, reply) => {
    await requireAdministrator(request, options, { action: 'admin.insurer.add', operatorOnly: true });
    const insurer = parseBody(addInsurerRequest, request.body);
    const added = await audited(request, options, { action: 'admin.insurer.add', detail: { insurer: insurer.number } }, () => addInsurer(identity, insurer));
    reply.code(201);
    return added;
  });

  app.post<{ Params: { number: string } }>('/api/admin/insurers/:number', async (request) => {
    await requireAdministrator(request, options, { action: 'admin.insurer.update', operatorOnly: true });
    const change = parseBody(updateInsurerRequest, request.body);
    return audited(request, options, { action: 'admin.insurer.update', detail: { insurer: asGiven(request.params.number), fields: Object.keys(change) } }, () =>
      updateInsurer(identity, request.params.number, change),
    );
  });

  app.post<{ Params: { number: string } }>('/api/admin/insurers/:number/status', async (request) => {
    await requireAdministrator(request, options, { action: 'admin.insurer.status', operatorOnly: true });
    const change = parseBody(insurerStatusRequest, request.body);
    return audited(request, options, { action: 'admin.insurer.status', detail: { insurer: asGiven(request.params.number), ...statusDetail(change) } }, () =>
      changeInsurerStatus(identity, request.params.number, change),
    );
  });

  app.get('/api/admin/facilities', async (request): Promise<{ facilities: AdminFacility[] }> => {
    const action = { action: 'admin.facility.list' };
    const { scope } = await requireAdministrator(request, options, action);
    return audited(request, options, action, async () => ({
      facilities: (await listFacilities(identity, prefecture, scope.network ? undefined : scope.facilityCode)).map((f) => asSeenBy(scope, f)),
    }));
  });

  app.get<{ Params: { code: string } }>('/api/admin/facilities/:code', async (request): Promise<AdminFacility> => {
    const action = { action: 'admin.facility.view', detail: { facility: asGiven(request.params.code) } };
    const { scope } = await requireAdministrator(request, options, { ...action, facility: request.params.code });
    return audited(request, options, action, async () => {
      const facility = await readFacility(identity, request.params.code, prefecture);
      if (!facility) throw facilityNotFound();
      return asSeenBy(scope, facility);
    });
  });

  app.post('/api/admin/facilities', async (request, reply) => {
    const { session } = await requireAdministrator(request, options, { action: 'admin.facility.add', operatorOnly: true });
    const facility = parseBody(addFacilityRequest, request.body);
    const added = await audited(request, options, { action: 'admin.facility.add', detail: { facility: facility.code, kind: facility.kind } }, () =>
      addFacility(identity, facility, session.user.id, prefecture),
    );
    reply.code(201);
    return added;
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code', async (request) => {
    const { scope } = await requireAdministrator(request, options, { action: 'admin.facility.update', facility: request.params.code });
    const change = parseBody(updateFacilityRequest, request.body);
    // The name is the contract's: only the secretariat changes it. Address and phone are the facility's own to correct.
    if (change.name !== undefined) await requireAdministrator(request, options, { action: 'admin.facility.update', operatorOnly: true });
    return audited(request, options, { action: 'admin.facility.update', detail: { facility: asGiven(request.params.code), fields: Object.keys(change) } }, async () =>
      asSeenBy(scope, await updateFacility(identity, request.params.code, change, prefecture)),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/approval', async (request) => {
    const { session } = await requireAdministrator(request, options, { action: 'admin.facility.approval', operatorOnly: true });
    const approval = parseBody(committeeApprovalRequest, request.body);
    return audited(request, options, { action: 'admin.facility.approval', detail: { facility: asGiven(request.params.code), ...approval } }, () =>
      recordCommitteeApproval(identity, request.params.code, approval, session.user.id, prefecture),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/status', async (request) => {
    const { session } = await requireAdministrator(request, options, { action: 'admin.facility.status', operatorOnly: true });
    const change = parseBody(facilityStatusRequest, request.body);
    return audited(request, options, { action: 'admin.facility.status', detail: { facility: asGiven(request.params.code), ...statusDetail(change) } }, () =>
      changeFacilityStatus(identity, request.params.code, change, session.user.id, prefecture),
    );
  });
}

/** A status change as the audit trail keeps it: what changed and when, not the free text of its reason (people's names get typed there). */
function statusDetail(change: StatusChangeRequest): Record<string, unknown> {
  return { status: change.status, effectiveOn: change.effectiveOn, reasonGiven: change.reason !== '' };
}

/** Operators' IDs stay with the secretariat: a facility administrator sees who recorded a change as null. */
function asSeenBy(scope: AdminScope, facility: AdminFacility): AdminFacility {
  if (scope.network) return facility;
  return {
    ...facility,
    history: facility.history.map((entry) => ({ ...entry, recordedBy: null })),
    committeeApproval: facility.committeeApproval && { ...facility.committeeApproval, recordedBy: null },
  };
}
