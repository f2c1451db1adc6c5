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
import { addFacilityRequest, addInsurerRequest, committeeApprovalRequest, facilityStatusRequest, insurerStatusRequest, updateFacilityRequest, updateInsurerRequest, type AdminFacility, type Insurer } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import { audited, requireAdministrator } from '../administration.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

export async function adminParticipantRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const identity = options.stores.identity;
  const prefecture = options.networkPrefecture;

  app.get('/api/admin/insurers', async (request): Promise<{ insurers: Insurer[] }> => {
    await requireAdministrator(request, options, { action: 'admin.insurer.list', operatorOnly: true });
    return { insurers: await listInsurers(identity) };
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
    return audited(request, options, { action: 'admin.insurer.update', detail: { insurer: request.params.number, ...change } }, () => updateInsurer(identity, request.params.number, change));
  });

  app.post<{ Params: { number: string } }>('/api/admin/insurers/:number/status', async (request) => {
    await requireAdministrator(request, options, { action: 'admin.insurer.status', operatorOnly: true });
    const change = parseBody(insurerStatusRequest, request.body);
    return audited(request, options, { action: 'admin.insurer.status', detail: { insurer: request.params.number, ...change } }, () => changeInsurerStatus(identity, request.params.number, change));
  });

  app.get('/api/admin/facilities', async (request): Promise<{ facilities: AdminFacility[] }> => {
    const { scope } = await requireAdministrator(request, options, { action: 'admin.facility.list' });
    return { facilities: await listFacilities(identity, prefecture, scope.network ? undefined : scope.facilityCode) };
  });

  app.get<{ Params: { code: string } }>('/api/admin/facilities/:code', async (request): Promise<AdminFacility> => {
    await requireAdministrator(request, options, { action: 'admin.facility.view', facility: request.params.code });
    const facility = await readFacility(identity, request.params.code, prefecture);
    if (!facility) throw facilityNotFound();
    return facility;
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
    await requireAdministrator(request, options, { action: 'admin.facility.update', facility: request.params.code });
    const change = parseBody(updateFacilityRequest, request.body);
    // The name is the contract's: only the secretariat changes it. Address and phone are the facility's own to correct.
    if (change.name !== undefined) await requireAdministrator(request, options, { action: 'admin.facility.update', operatorOnly: true });
    return audited(request, options, { action: 'admin.facility.update', detail: { facility: request.params.code, fields: Object.keys(change) } }, () =>
      updateFacility(identity, request.params.code, change, prefecture),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/approval', async (request) => {
    const { session } = await requireAdministrator(request, options, { action: 'admin.facility.approval', operatorOnly: true });
    const approval = parseBody(committeeApprovalRequest, request.body);
    return audited(request, options, { action: 'admin.facility.approval', detail: { facility: request.params.code, ...approval } }, () =>
      recordCommitteeApproval(identity, request.params.code, approval, session.user.id, prefecture),
    );
  });

  app.post<{ Params: { code: string } }>('/api/admin/facilities/:code/status', async (request) => {
    const { session } = await requireAdministrator(request, options, { action: 'admin.facility.status', operatorOnly: true });
    const change = parseBody(facilityStatusRequest, request.body);
    return audited(request, options, { action: 'admin.facility.status', detail: { facility: request.params.code, ...change } }, () =>
      changeFacilityStatus(identity, request.params.code, change, session.user.id, prefecture),
    );
  });
}
