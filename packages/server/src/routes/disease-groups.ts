import { diseaseGroupDefinition } from '@renkei/api';
import { addDiseaseGroup, CHIEF_COMPLAINTS, listDiseaseGroups } from '@renkei/history';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { changeClinical } from '../request-audit.js';
import { parseBody } from '../validation.js';

/** The search tables: disease groups (operators add to them) and the chief complaints. Nothing personal. */
export async function searchTableRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get('/api/disease-groups', { config: { access: 'session' } }, async () => ({ groups: await listDiseaseGroups(options.stores.clinical) }));

  app.post('/api/disease-groups', { config: { access: 'operator', action: 'disease-group.add' } }, async (request, reply) => {
    const session = sessionOf(request);
    const group = parseBody(diseaseGroupDefinition, request.body);
    // Added and audited in one transaction; a group that exists already changes nothing and is refused.
    const added = await changeClinical(request, options, async (tx) => {
      if (!(await addDiseaseGroup(tx, group, session.user.id))) throw new ApiError(409, 'group-exists', `疾病グループ「${group.id}」は既にあります`);
      return group;
    }, { action: 'disease-group.add', outcome: 'allowed', detail: { id: group.id } });
    reply.code(201);
    return added;
  });

  app.get('/api/chief-complaints', { config: { access: 'session' } }, async () => ({ complaints: CHIEF_COMPLAINTS.map((c) => ({ name: c.name, readings: c.readings })) }));
}
