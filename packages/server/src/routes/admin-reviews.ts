/**
 * The operator's desk for what a facility may not decide alone: the review
 * list of patterns worth a look (要確認), and the links of persons whose
 * names or birth dates differ, which the desk sent up for approval.
 */
import { closePatientAccesses, markReviewed } from '@renkei/access';
import { listReviewItems } from '@renkei/admin';
import { plainText } from '@renkei/api';
import { decidePersonLinkRequest, listPersonLinkRequests, personPseudonym } from '@renkei/identity';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { asGiven, auditedChange } from '../administration.js';
import { ApiError } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest } from '../request-audit.js';
import { parseBody } from '../validation.js';

const reviewMark = z.object({ note: plainText(0, 500).default('') });
const linkDecision = z.object({ approve: z.boolean(), note: plainText(0, 200).optional() });

export async function adminReviewRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get<{ Querystring: { days?: string } }>('/api/admin/reviews', { config: { access: 'operator', action: 'admin.review.list' } }, async (request) => {
    const days = Math.min(Math.max(Number(request.query.days ?? 30) || 30, 1), 366);
    const items = await listReviewItems(options.stores, options.keys, { days });
    await auditRequest(request, options, { action: 'admin.review.list', outcome: 'allowed', detail: { days, items: items.length } });
    return {
      items: items.map((i) => ({ ...i, at: i.at.toISOString(), reviewed: i.reviewed && { ...i.reviewed, at: i.reviewed.at.toISOString() } })),
    };
  });

  app.post<{ Params: { itemId: string } }>('/api/admin/reviews/:itemId', { config: { access: 'operator', action: 'admin.review.mark' } }, async (request) => {
    const session = sessionOf(request);
    const { note } = parseBody(reviewMark, request.body ?? {});
    if (!/^(card-then-opened|many-cards|many-patients):[\w.:@-]{1,120}$/.test(request.params.itemId)) throw new ApiError(404, 'review-not-found', '該当する確認項目が見つかりません');
    await auditedChange(request, options, { action: 'admin.review.mark', detail: { item: asGiven(request.params.itemId), noteGiven: note !== '' } }, (tx) =>
      markReviewed(tx, { itemId: request.params.itemId, reviewedBy: session.user.id, note }),
    );
    return { itemId: request.params.itemId, reviewed: true };
  });

  app.get('/api/admin/person-link-requests', { config: { access: 'operator', action: 'admin.person-link.list' } }, async (request) => {
    const requests = await listPersonLinkRequests(options.stores.identity);
    await auditRequest(request, options, { action: 'admin.person-link.list', outcome: 'allowed', detail: { requests: requests.length } });
    return {
      requests: requests.map((r) => ({
        requestId: r.requestId,
        // The persons as the trail names them: the operator settles it with the facility, not from here.
        pseudonym: personPseudonym(options.keys.pseudonym, r.keptPersonId),
        mergedPseudonym: personPseudonym(options.keys.pseudonym, r.mergedPersonId),
        differs: r.differs,
        requestedBy: r.requestedBy,
        facilityCode: r.facilityCode,
        requestedAt: r.requestedAt.toISOString(),
        status: r.status,
        decidedBy: r.decidedBy,
        decidedAt: r.decidedAt?.toISOString() ?? null,
        linkId: r.linkId,
      })),
    };
  });

  app.post<{ Params: { id: string } }>('/api/admin/person-link-requests/:id/decision', { config: { access: 'operator', action: 'admin.person-link.decide' } }, async (request) => {
    const session = sessionOf(request);
    const { approve, note } = parseBody(linkDecision, request.body);
    const id = Number(request.params.id);
    const decided = await auditedChange(
      request,
      options,
      { action: 'admin.person-link.decide', detail: { request: asGiven(request.params.id), approve } },
      async (tx) => {
        const result = await decidePersonLinkRequest(tx, Number.isSafeInteger(id) ? id : -1, { approve, note: note || null, operatorId: session.user.id });
        if (!result) throw new ApiError(404, 'link-request-not-found', '該当する統合の申請が見つからないか、すでに処理されています');
        if (result.link?.status === 'refused') throw new ApiError(409, `link-${result.link.reason}`, '統合できません（同意の状態が異なるか、患者が見つかりません）');
        if (result.link?.status === 'linked') for (const cardNumber of result.link.replacedCards) await closePatientAccesses(tx, { cardNumber });
        return result;
      },
      (r) => ({ ...(r.link?.status === 'linked' ? { link: r.link.linkId } : {}) }),
    );
    if (decided.link) options.records.personsChanged();
    return { requestId: decided.request.requestId, status: decided.request.status, linkId: decided.request.linkId };
  });
}
