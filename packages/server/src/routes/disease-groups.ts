import { diseaseGroupDefinition } from '@renkei/api';
import { addDiseaseGroup, CHIEF_COMPLAINTS, listDiseaseGroups } from '@renkei/history';
import type { FastifyInstance } from 'fastify';
import { ApiError, roleForbidden } from '../errors.js';
import { auditRequest, requireSession } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

/** The search tables: disease groups (operators add to them) and the chief complaints. Nothing personal. */
export async function searchTableRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get('/api/disease-groups', async (request) => {
    requireSession(request);
    return { groups: await listDiseaseGroups(options.stores.clinical) };
  });

  app.post('/api/disease-groups', async (request, reply) => {
    const session = requireSession(request);
    if (session.user.role !== 'operator') throw roleForbidden();
    const group = parseBody(diseaseGroupDefinition, request.body);
    const added = await addDiseaseGroup(options.stores.clinical, group, session.user.id);
    await auditRequest(request, options, { action: 'disease-group.add', outcome: added ? 'allowed' : 'refused', detail: { id: group.id } });
    if (!added) throw new ApiError(409, 'group-exists', `疾病グループ「${group.id}」は既にあります`);
    reply.code(201);
    return group;
  });

  app.get('/api/chief-complaints', async (request) => {
    requireSession(request);
    return { complaints: CHIEF_COMPLAINTS.map((c) => ({ name: c.name, readings: c.readings })) };
  });
}
