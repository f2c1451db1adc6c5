/**
 * Consultations between facilities: reading requests, referrals, progress
 * reports and sharing. Thin: every rule (who sees what, the lifecycle,
 * consent) and every audit record is the exchange service's; the routes
 * parse, call it and answer. One 404 for an item that does not exist and one
 * the caller may not see.
 */
import { Refusal } from '@renkei/access';
import {
  assignExchangeRequest,
  createExchangeRequest,
  exchangeAddendumRequest,
  exchangeBoxQuery,
  exchangeDeletionLookup,
  exchangeDeletionRequest,
  exchangeKeyImageRequest,
  exchangeReportRequest,
  exchangeStatsQuery,
  exchangeUsageQuery,
  exchangeWithdrawRequest,
  sendExchangeRequest,
} from '@renkei/api';
import { renderExchangeConsentFormPdf, renderExchangeStatsPdf } from '@renkei/documents';
import { carryOutDeletion, deletionNoticePdf, exchangeIdUsage, exchangeStats, exchangeStatsCsv, previewDeletion } from '@renkei/exchange';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, contextOf } from '../request-audit.js';
import { parseBody } from '../validation.js';

type WithId = { Params: { id: string } };

/** Attachments come in the request as base64: a few scanned pages or photographs. */
const CREATE_BODY_LIMIT = 12 * 1024 * 1024;

export async function exchangeRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const exchange = options.exchange;
  const route = (action: string) => ({ config: { access: 'exchange', action } }) as const;
  /** The service audits its own refusals: the error handler need not record them again. */
  const audited = async <T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Refusal) request.refusalAudited = true;
      throw error;
    }
  };

  app.post('/api/exchanges', { ...route('exchange.create'), bodyLimit: CREATE_BODY_LIMIT }, async (request, reply) => {
    const body = parseBody(createExchangeRequest, request.body);
    const created = await audited(request, () => exchange.create(contextOf(request), body));
    return reply.code(201).send(created);
  });

  app.get('/api/exchanges', route('exchange.list'), async (request) => {
    const { box, limit, after } = parseBody(exchangeBoxQuery, request.query);
    return audited(request, () => exchange.list(contextOf(request), box, after === undefined ? { limit } : { limit, after }));
  });

  app.get('/api/exchanges/stats', { config: { access: 'exchange-stats', action: 'exchange.stats' } }, async (request, reply) => {
    const { month, format } = parseBody(exchangeStatsQuery, request.query);
    const stats = await audited(request, () => exchangeStats({ stores: options.stores, audit: options.audit }, contextOf(request), month));
    if (format === 'csv') return download(reply, 'text/csv; charset=utf-8', `renkei-readings-${month}.csv`).send(exchangeStatsCsv(stats));
    if (format === 'pdf') return download(reply, 'application/pdf', `renkei-readings-${month}.pdf`).send(await renderExchangeStatsPdf(stats, { printedAt: new Date(), networkName: options.networkName }));
    return stats;
  });

  // The clerks' and liaison's view of how their facility's IDs use the exchange: counts, no patient data.
  app.get('/api/exchanges/id-usage', { config: { access: 'exchange-usage', action: 'exchange.id-usage' } }, async (request) => {
    const { month } = parseBody(exchangeUsageQuery, request.query);
    return audited(request, () => exchangeIdUsage({ stores: options.stores, audit: options.audit }, contextOf(request), month));
  });

  for (const kind of ['consent-form', 'poster'] as const) {
    app.get(`/api/exchanges/${kind}.pdf`, route(`exchange.${kind}`), async (request, reply) => {
      await auditRequest(request, options, { action: `exchange.${kind}`, outcome: 'allowed', detail: {} });
      return download(reply, 'application/pdf', `renkei-${kind}.pdf`).send(await renderExchangeConsentFormPdf(kind, options.networkName));
    });
  }

  app.get<WithId>('/api/exchanges/:id', route('exchange.open'), (request) => audited(request, () => exchange.open(contextOf(request), request.params.id)));

  app.post<WithId>('/api/exchanges/:id/send', route('exchange.send'), async (request) => {
    const { consent } = parseBody(sendExchangeRequest, request.body);
    await audited(request, () => exchange.send(contextOf(request), request.params.id, consent));
    return { id: request.params.id, status: 'sent' };
  });

  app.post<WithId>('/api/exchanges/:id/accept', route('exchange.accept'), async (request) => {
    await audited(request, () => exchange.accept(contextOf(request), request.params.id));
    return { id: request.params.id, status: 'accepted' };
  });

  app.post<WithId>('/api/exchanges/:id/assign', route('exchange.assign'), async (request) => {
    const { userId } = parseBody(assignExchangeRequest, request.body);
    await audited(request, () => exchange.assign(contextOf(request), request.params.id, userId));
    return { id: request.params.id, assignedTo: userId };
  });

  app.post<WithId>('/api/exchanges/:id/report', route('exchange.report'), async (request) => {
    const body = parseBody(exchangeReportRequest, request.body);
    const { sha256 } = await audited(request, () => exchange.report(contextOf(request), request.params.id, body));
    return { id: request.params.id, status: 'decline' in body ? 'declined' : body.interim ? 'interim' : 'final', sha256 };
  });

  app.post<WithId>('/api/exchanges/:id/withdraw', route('exchange.withdraw'), async (request) => {
    const { reason } = parseBody(exchangeWithdrawRequest, request.body);
    await audited(request, () => exchange.withdraw(contextOf(request), request.params.id, reason));
    return { id: request.params.id, status: 'withdrawn' };
  });

  app.post<WithId>('/api/exchanges/:id/addenda', route('exchange.addendum'), async (request, reply) => {
    const { text } = parseBody(exchangeAddendumRequest, request.body);
    await audited(request, () => exchange.addendum(contextOf(request), request.params.id, text));
    return reply.code(201).send({ id: request.params.id });
  });

  // Key images (キー画像): listed for whoever sees the item, marked and taken back by its reader.
  app.get<WithId>('/api/exchanges/:id/key-images', route('exchange.key-images'), async (request) => ({
    items: await audited(request, () => exchange.keyImages(contextOf(request), request.params.id)),
  }));

  app.post<WithId>('/api/exchanges/:id/key-images', route('exchange.key-image-mark'), async (request, reply) => {
    const body = parseBody(exchangeKeyImageRequest, request.body);
    return reply.code(201).send(await audited(request, () => exchange.markKeyImage(contextOf(request), request.params.id, body)));
  });

  // A DELETE carries no body: none, or JSON, is accepted.
  const removal = { config: { ...route('exchange.key-image-remove').config, accepts: ['', 'application/json'] } } as const;
  app.delete<{ Params: { id: string; keyId: string } }>('/api/exchanges/:id/key-images/:keyId', removal, async (request, reply) => {
    await audited(request, () => exchange.removeKeyImage(contextOf(request), request.params.id, request.params.keyId));
    return reply.code(204).send();
  });

  for (const [file, read] of [
    ['letter.pdf', exchange.letterPdf.bind(exchange)],
    ['report.pdf', exchange.reportPdf.bind(exchange)],
  ] as const) {
    app.get<WithId>(`/api/exchanges/:id/${file}`, route(`exchange.${file.replace('.pdf', '-pdf')}`), async (request, reply) => {
      const { pdf, sha256 } = await audited(request, () => read(contextOf(request), request.params.id));
      return download(reply, 'application/pdf', `renkei-${request.params.id}-${file}`).header('X-Renkei-SHA256', sha256).send(pdf);
    });
  }

  // Addendum n (1 for the first) with the report before it and the addenda up to it.
  app.get<{ Params: { id: string; n: string } }>('/api/exchanges/:id/addenda/:n.pdf', route('exchange.addendum-pdf'), async (request, reply) => {
    const { id, n } = request.params;
    const { pdf, sha256 } = await audited(request, () => exchange.addendumPdf(contextOf(request), id, /^\d{1,6}$/.test(n) ? Number(n) : 0));
    return download(reply, 'application/pdf', `renkei-${id}-addendum-${n}.pdf`).header('X-Renkei-SHA256', sha256).send(pdf);
  });

  app.get<{ Params: { id: string; attachmentId: string } }>('/api/exchanges/:id/attachments/:attachmentId', route('exchange.attachment'), async (request, reply) => {
    const file = await audited(request, () => exchange.attachment(contextOf(request), request.params.id, request.params.attachmentId));
    return download(reply, file.mediaType, file.name).send(file.content);
  });
}

/** Deletion on request (様式2): the operator's. */
export async function exchangeDeletionRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const deps = { stores: options.stores, keys: options.keys, audit: options.audit, networkName: options.networkName, ...(options.studies ? { studies: options.studies } : {}) };
  const route = (action: string) => ({ config: { access: 'operator', action } }) as const;

  app.post('/api/admin/exchange-deletions/preview', route('exchange.deletion-preview'), async (request) => {
    const { lookup } = parseBody(exchangeDeletionRequest.pick({ lookup: true }), request.body);
    return previewDeletion(deps, contextOf(request), parseBody(exchangeDeletionLookup, lookup));
  });

  app.post('/api/admin/exchange-deletions', route('exchange.deletion-request'), async (request, reply) => {
    const body = parseBody(exchangeDeletionRequest, request.body);
    return reply.code(201).send(await carryOutDeletion(deps, contextOf(request), body));
  });

  app.get<WithId>('/api/admin/exchange-deletions/:id/notice.pdf', route('exchange.deletion-notice'), async (request, reply) => {
    const { pdf, sha256 } = await deletionNoticePdf(deps, contextOf(request), request.params.id);
    return download(reply, 'application/pdf', `renkei-deletion-${request.params.id}.pdf`).header('X-Renkei-SHA256', sha256).send(pdf);
  });
}

function download(reply: FastifyReply, type: string, filename: string): FastifyReply {
  return reply.type(type).header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
}
