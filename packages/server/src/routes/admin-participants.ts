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
} from '@renkei/admin';
import { addFacilityRequest, addInsurerRequest, committeeApprovalRequest, facilityStatusRequest, insurerStatusRequest, updateFacilityRequest, updateInsurerRequest, type AdminFacility, type Insurer, type StatusChangeRequest } from '@renkei/api';
import { mayRenameFacility, type AdminScope } from '@renkei/access';
import type { FastifyInstance } from 'fastify';
import { administrator, administerRead, asGiven, auditedChange } from '../administration.js';
import { roleForbidden } from '../errors.js';
import { auditRequest } from '../request-audit.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

export async function adminParticipantRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const identity = options.stores.identity;
  const prefecture = options.networkPrefecture;

  app.get('/api/admin/insurers', { config: { access: 'operator', action: 'admin.insurer.list' } }, async (request): Promise<{ insurers: Insurer[] }> =>
    administerRead(request, options, { action: 'admin.insurer.list' }, async () => ({ insurers: await listInsurers(identity) })),
  );

  app.post('/api/admin/insurers', { config: { access: 'operator', action: 'admin.insurer.add' } }, async (request, reply) => {
    const insurer = parseBody(addInsurerRequest, request.body);
    const added = await auditedChange(request, options, { action: 'admin.insurer.add', detail: { insurer: insurer.number } }, (tx) => addInsurer(tx, insurer));
    reply.code(201);
    return added;
  });

  app.post<{ Params: { number: string } }>('/api/admin/insurers/:number', { config: { access: 'operator', action: 'admin.insurer.update' } }, async (request) => {
    const change = parseBody(updateInsurerRequest, request.body);
    return auditedChange(request, options, { action: 'admin.insurer.update', detail: { insurer: asGiven(request.params.number), fields: Object.keys(change) } }, (tx) =>
      updateInsurer(tx, request.params.number, change),
    );
  });

  app.post<{ Params: { number: string } }>('/api/admin/insurers/:number/status', { config: { access: 'operator', action: 'admin.insurer.status' } }, async (request) => {
    const change = parseBody(insurerStatusRequest, request.body);
    return auditedChange(request, options, { action: 'admin.insurer.status', detail: { insurer: asGiven(request.params.number), ...statusDetail(change) } }, (tx) =>
      changeInsurerStatus(tx, request.params.number, change),
    );
  });

  app.get('/api/admin/facilities', { config: { access: 'administrator', action: 'admin.facility.list' } }, async (request): Promise<{ facilities: AdminFacility[] }> =>
    administerRead(request, options, { action: 'admin.facility.list' }, async ({ scope }) => ({
      facilities: (await listFacilities(identity, prefecture, scope.network ? undefined : scope.facilityCode)).map((f) => asSeenBy(scope, f)),
    })),
  );

  app.get<{ Params: { code: string } }>('/api/admin/facilities/:code', { config: { access: 'administrator', action: 'admin.facility.view' } }, async (request): Promise<AdminFacility> =>
    administerRead(request, options, { action: 'admin.facility.view', detail: { facility: asGiven(request.params.code) }, facility: request.params.code }, async ({ scope }) => {
      const facility = await readFacility(identity, request.params.code, prefecture);
      if (!facility) throw facilityNotFound();
      return asSeenBy(scope, facility);
    }),
  );

  app.post('/api/admin/facilities', { config: { access: 'operator', action: 'admin.facility.add' } }, async (request, reply) => {
    const { session } = await administrator(request, options, { action: 'admin.facility.add' });
    const facility = parseBody(addFacilityRequest, request.body);
    const added = await auditedChange(request, options, { action: 'admin.facility.add', detail: { facility: facility.code, kind: facility.kind } }, (tx) =>
      addFacility(tx, facility, session.user.id, prefecture),
    );
    reply.code(201);
    return added;
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code', { config: { access: 'administrator', action: 'admin.facility.update' } }, async (request) => {
    const action = { action: 'admin.facility.update', detail: { facility: asGiven(request.params.code) } };
    const { scope } = await administrator(request, options, { ...action, facility: request.params.code });
    const change = parseBody(updateFacilityRequest, request.body);
    if (change.name !== undefined && !mayRenameFacility(scope)) {
      await auditRequest(request, options, { action: action.action, outcome: 'refused', detail: { ...action.detail, reason: 'role-forbidden' } });
      throw roleForbidden();
    }
    return auditedChange(request, options, { action: action.action, detail: { ...action.detail, fields: Object.keys(change) } }, async (tx) =>
      asSeenBy(scope, await updateFacility(tx, request.params.code, change, prefecture)),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/approval', { config: { access: 'operator', action: 'admin.facility.approval' } }, async (request) => {
    const { session } = await administrator(request, options, { action: 'admin.facility.approval' });
    const approval = parseBody(committeeApprovalRequest, request.body);
    return auditedChange(request, options, { action: 'admin.facility.approval', detail: { facility: asGiven(request.params.code), ...approval } }, (tx) =>
      recordCommitteeApproval(tx, request.params.code, approval, session.user.id, prefecture),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/status', { config: { access: 'operator', action: 'admin.facility.status' } }, async (request) => {
    const { session } = await administrator(request, options, { action: 'admin.facility.status' });
    const change = parseBody(facilityStatusRequest, request.body);
    return auditedChange(request, options, { action: 'admin.facility.status', detail: { facility: asGiven(request.params.code), ...statusDetail(change) } }, (tx) =>
      changeFacilityStatus(tx, request.params.code, change, session.user.id, prefecture),
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
