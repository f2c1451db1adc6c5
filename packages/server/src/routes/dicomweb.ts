/**
 * DICOMweb (PS3.18), served by Renkei itself behind the gate: STOW-RS to
 * store, QIDO-RS to search, WADO-RS to retrieve instances, metadata and
 * frames, rendered frames and thumbnails (PNG), and a study as a ZIP download. Every call needs a registered
 * terminal and a session of someone who works with images; a study answers
 * only those the policy lets see it (`maySeeStudy`), and an unknown study
 * and a forbidden one get the same 404. Every retrieve is audited.
 */
import { gzipSync } from 'node:zlib';
import { issueStudyToken, mayExportStudyTo, type Actor } from '@renkei/access';
import { studyExportRequest, type ExportTarget, type StudyExportResult, type StudyTokenResponse } from '@renkei/api';
import {
  DicomRefusal,
  dicomPeerRefusal,
  exportInstances,
  frameBytes,
  frameMediaType,
  listDicomPeers,
  mediaType,
  metadataOf,
  MultipartError,
  multipartFrames,
  multipartInstances,
  newBoundary,
  NotRenderable,
  parseViewport,
  parseWindow,
  readMultipart,
  renderedFrame,
  registeredPeer,
  searchInstances,
  searchSeries,
  searchStudies,
  selectInstances,
  studyDownload,
  type ImageArchive,
  type QueryParams,
  type SearchContext,
  type SharedStudies,
  type Selection,
  visibleStudy,
} from '@renkei/imaging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, refusalError } from '../errors.js';
import { sessionOf } from '../gate.js';
import { auditRequest, contextOf } from '../request-audit.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';

/** One instance may be this large (a long multi-frame ultrasound cine). */
const MAX_INSTANCE_BYTES = 2 * 1024 * 1024 * 1024 - 1;

const DICOM_JSON = 'application/dicom+json';

/** Instances of one STOW-RS request being stored at once. */
const STORES_AT_ONCE = 4;

type StudyParams = { study: string; series?: string; instance?: string; frames?: string };

const notFound = () => new ApiError(404, 'study-not-found', '検査が見つかりません');

/** A search's matching keys: the query less the study token, which is no attribute. */
const matchingOf = (query: QueryParams): QueryParams => {
  const { access_token: _token, ...matching } = query as QueryParams & { access_token?: unknown };
  return matching as QueryParams;
};

export async function dicomwebRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  // STOW-RS bodies are read as a stream, part by part, by the route itself.
  app.addContentTypeParser('multipart/related', (_request, payload, done) => done(null, payload));

  const archiveOf = (): ImageArchive => {
    if (!options.images) throw new ApiError(503, 'images-unavailable', '画像の保管先が設定されていません');
    return options.images;
  };
  const viewerOf = (request: FastifyRequest): Actor => sessionOf(request).user;
  // The studies exchange items share with the viewer, as the exchange's policy says (the exchange service audits each look).
  const sharedWith = (request: FastifyRequest): SharedStudies => ({
    mayView: (studyUid) => options.exchange.mayViewStudy(contextOf(request), studyUid),
    inView: () => options.exchange.studiesInView(contextOf(request)),
  });
  const searchContext = (request: FastifyRequest): SearchContext => ({
    stores: options.stores,
    keys: options.keys,
    viewer: viewerOf(request),
    baseUrl: `https://${request.host}`,
    shared: sharedWith(request),
  });

  const stow = async (request: FastifyRequest<{ Params: { study?: string } }>, reply: FastifyReply) => {
    const archive = archiveOf();
    const user = viewerOf(request);
    if (!user.facilityCode) throw new ApiError(403, 'facility-required', '医療機関に所属する利用者のみ画像を登録できます');
    const { type, params } = mediaType(request.headers['content-type']);
    if (type !== 'multipart/related' || !params.boundary) throw new ApiError(415, 'multipart-required', 'multipart/related; type="application/dicom" で送ってください');
    if (params.type && params.type.toLowerCase() !== 'application/dicom') throw new ApiError(415, 'dicom-required', `type="${params.type}" は受け付けません。type="application/dicom" で送ってください`);
    const source = { facilityCode: user.facilityCode.trim(), actor: contextOf(request).actor, via: 'stow' };
    const stored: Array<{ sopClassUid: string; sopInstanceUid: string; studyUid: string; seriesUid: string }> = [];
    const failed: Array<{ sopClassUid?: string; sopInstanceUid?: string; reason: number; comment: string }> = [];
    // Each part's outcome, in the order the parts came; a few are stored at once (one's blob is synced to disk while the next is read).
    const outcomes: Array<Promise<(() => void) | undefined>> = [];
    const storePart = async (index: number, body: Buffer): Promise<() => void> => {
      try {
        const result = await archive.store(body, source);
        if (request.params.study && result.studyUid !== request.params.study) {
          // Accepted only into the study the URL names (PS3.18 §10.5.1): nothing else was asked for.
          return () => failed.push({ sopClassUid: result.sopClassUid, sopInstanceUid: result.sopInstanceUid, reason: 0xa900, comment: `part ${index} conflict: another study's instance` });
        }
        return () => stored.push(result);
      } catch (error) {
        if (!(error instanceof DicomRefusal)) throw error;
        return () => failed.push({ reason: error.reason, comment: `part ${index} ${error.code}: ${error.message}` });
      }
    };
    let truncated: string | undefined;
    try {
      let index = 0;
      for await (const part of readMultipart(request.body as AsyncIterable<Buffer>, params.boundary, MAX_INSTANCE_BYTES)) {
        index++;
        const partType = mediaType(part.headers['content-type'] ?? params.type ?? 'application/dicom').type;
        const at = index;
        if (partType !== 'application/dicom') {
          outcomes.push(Promise.resolve(() => failed.push({ reason: 0xc000, comment: `part ${at} wrong-content-type: ${partType || '(none)'}` })));
          continue;
        }
        const outcome = storePart(at, part.body);
        outcome.catch(() => undefined); // awaited below
        outcomes.push(outcome);
        if (outcomes.length >= STORES_AT_ONCE) await outcomes[outcomes.length - STORES_AT_ONCE];
      }
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      truncated = `truncated: ${error.message}`;
    }
    for (const record of await Promise.all(outcomes)) record?.();
    if (truncated) failed.push({ reason: 0xc000, comment: truncated });
    if (failed.length > 0) {
      await auditRequest(request, options, { action: 'images.store', outcome: 'refused', detail: { via: 'stow', refused: failed.length, stored: stored.length, reasons: failed.map((f) => f.comment.slice(0, 200)) } });
    }
    const base = `https://${request.host}/dicomweb/studies`;
    const answer: Record<string, unknown> = {};
    if (request.params.study || stored.length > 0) answer['00081190'] = { vr: 'UR', Value: [`${base}/${request.params.study ?? stored[0]!.studyUid}`] };
    if (failed.length > 0) {
      answer['00081198'] = {
        vr: 'SQ',
        Value: failed.map((f) => ({
          ...(f.sopClassUid ? { '00081150': { vr: 'UI', Value: [f.sopClassUid] } } : {}),
          ...(f.sopInstanceUid ? { '00081155': { vr: 'UI', Value: [f.sopInstanceUid] } } : {}),
          '00081197': { vr: 'US', Value: [f.reason] },
          '00000902': { vr: 'LO', Value: [f.comment.slice(0, 64)] },
        })),
      };
    }
    if (stored.length > 0) {
      answer['00081199'] = {
        vr: 'SQ',
        Value: stored.map((s) => ({
          '00081150': { vr: 'UI', Value: [s.sopClassUid] },
          '00081155': { vr: 'UI', Value: [s.sopInstanceUid] },
          '00081190': { vr: 'UR', Value: [`${base}/${s.studyUid}/series/${s.seriesUid}/instances/${s.sopInstanceUid}`] },
        })),
      };
    }
    // All stored: 200; some: 202; none: 409 (PS3.18 §10.5.3).
    const status = failed.length === 0 ? 200 : stored.length > 0 ? 202 : 409;
    return reply.code(status).type(DICOM_JSON).send(answer);
  };

  const stowConfig = { access: 'images' as const, action: 'images.store', accepts: ['multipart/related'] };
  app.post('/dicomweb/studies', { config: stowConfig }, stow);
  app.post<{ Params: { study: string } }>('/dicomweb/studies/:study', { config: stowConfig }, stow);

  /** A query the search cannot answer: 400 with what to correct. */
  const badQuery = (error: unknown): never => {
    if (error instanceof DicomRefusal) throw new ApiError(400, 'bad-query', error.message);
    throw error;
  };

  const searchAudit = (request: FastifyRequest, level: string, results: number) =>
    // The names of the attributes searched by, never their values (a patient's name or ID).
    auditRequest(request, options, { action: 'images.search', outcome: 'allowed', detail: { level, by: Object.keys(request.query as object).sort(), results } });

  app.get<{ Querystring: QueryParams }>('/dicomweb/studies', { config: { access: 'image-views', action: 'images.search' } }, async (request, reply) => {
    const answers = await searchStudies(searchContext(request), request.query).catch(badQuery);
    await searchAudit(request, 'study', answers.length);
    return reply.type(DICOM_JSON).header('Cache-Control', 'no-store').send(answers);
  });

  app.get<{ Params: StudyParams; Querystring: QueryParams }>('/dicomweb/studies/:study/series', { config: { access: 'image-views', action: 'images.search', studyToken: true } }, async (request, reply) => {
    const answers = await searchSeries(searchContext(request), request.params.study, matchingOf(request.query)).catch(badQuery);
    if (!answers) throw notFound();
    await searchAudit(request, 'series', answers.length);
    return reply.type(DICOM_JSON).header('Cache-Control', 'no-store').send(answers);
  });

  app.get<{ Params: StudyParams; Querystring: QueryParams }>('/dicomweb/studies/:study/series/:series/instances', { config: { access: 'image-views', action: 'images.search', studyToken: true } }, async (request, reply) => {
    const answers = await searchInstances(searchContext(request), request.params.study, request.params.series!, matchingOf(request.query)).catch(badQuery);
    if (!answers) throw notFound();
    await searchAudit(request, 'instance', answers.length);
    return reply.type(DICOM_JSON).header('Cache-Control', 'no-store').send(answers);
  });

  const selectionOf = (params: StudyParams): Selection => ({ studyUid: params.study, seriesUid: params.series, sopInstanceUid: params.instance });

  const retrieve = async (request: FastifyRequest<{ Params: StudyParams }>, reply: FastifyReply) => {
    const archive = archiveOf();
    const found = await selectInstances(searchContext(request), selectionOf(request.params));
    if (!found) throw notFound();
    const bytes = found.instances.reduce((sum, i) => sum + i.size, 0);
    await auditRequest(request, options, {
      action: 'images.retrieve',
      outcome: 'allowed',
      pseudonym: found.study.pseudonym,
      detail: { study: request.params.study, ...(request.params.series ? { series: request.params.series } : {}), ...(request.params.instance ? { instance: request.params.instance } : {}), instances: found.instances.length, bytes },
    });
    const boundary = newBoundary();
    const { length, body } = multipartInstances(archive.blobs, found.instances, boundary);
    return reply.type(`multipart/related; type="application/dicom"; boundary=${boundary}`).header('Content-Length', length).header('Cache-Control', 'no-store').send(body);
  };
  const retrieveConfig = { access: 'image-views' as const, action: 'images.retrieve', studyToken: true };
  app.get('/dicomweb/studies/:study', { config: retrieveConfig }, retrieve);
  app.get('/dicomweb/studies/:study/series/:series', { config: retrieveConfig }, retrieve);
  app.get('/dicomweb/studies/:study/series/:series/instances/:instance', { config: retrieveConfig }, retrieve);

  const metadata = async (request: FastifyRequest<{ Params: StudyParams }>, reply: FastifyReply) => {
    const json = await metadataOf(searchContext(request), selectionOf(request.params));
    if (json === undefined) throw notFound();
    await auditRequest(request, options, {
      action: 'images.metadata',
      outcome: 'allowed',
      detail: { study: request.params.study, ...(request.params.series ? { series: request.params.series } : {}), ...(request.params.instance ? { instance: request.params.instance } : {}) },
    });
    reply.type(DICOM_JSON).header('Cache-Control', 'no-store').header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('Content-Encoding', 'gzip').send(gzipSync(json, { level: 1 }));
    return reply.send(json);
  };
  const metadataConfig = { access: 'image-views' as const, action: 'images.metadata', studyToken: true };
  app.get('/dicomweb/studies/:study/metadata', { config: metadataConfig }, metadata);
  app.get('/dicomweb/studies/:study/series/:series/metadata', { config: metadataConfig }, metadata);
  app.get('/dicomweb/studies/:study/series/:series/instances/:instance/metadata', { config: metadataConfig }, metadata);

  app.get<{ Params: StudyParams }>('/dicomweb/studies/:study/series/:series/instances/:instance/frames/:frames', { config: { access: 'image-views', action: 'images.frames', studyToken: true } }, async (request, reply) => {
    const archive = archiveOf();
    const found = await selectInstances(searchContext(request), selectionOf(request.params));
    if (!found) throw notFound();
    const instance = found.instances[0]!;
    const numbers = request.params.frames!.split(',').map((n) => Number(n.trim()));
    const frames = await frameBytes(archive.blobs, instance, numbers);
    if (!frames) throw new ApiError(404, 'frame-not-found', `フレーム番号は 1〜${instance.numberOfFrames} で指定してください`);
    await auditRequest(request, options, { action: 'images.frames', outcome: 'allowed', pseudonym: found.study.pseudonym, detail: { study: request.params.study, instance: instance.sopInstanceUid, frames: numbers } });
    const boundary = newBoundary();
    return reply
      .type(`multipart/related; type="${frameMediaType(instance.transferSyntaxUid)}"; boundary=${boundary}`)
      .header('Cache-Control', 'no-store')
      .send(multipartFrames(frames, instance.transferSyntaxUid, boundary));
  });

  // Rendered frames and thumbnails (PS3.18 §10.4, §10.7) as PNG, compressed frames decoded first; what cannot be decoded (12-bit JPEG extended) answers 406 not-renderable.
  type RenderedParams = StudyParams & { frame?: string };
  type RenderedQuery = { window?: string; viewport?: string };
  const rendered = (kind: 'rendered' | 'thumbnail') => async (request: FastifyRequest<{ Params: RenderedParams; Querystring: RenderedQuery }>, reply: FastifyReply) => {
    const archive = archiveOf();
    if (!acceptsPng(request.headers.accept)) throw new ApiError(406, 'not-acceptable', '画像は image/png でのみ返せます');
    let window;
    let viewport;
    try {
      window = parseWindow(request.query.window);
      viewport = parseViewport(request.query.viewport);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, 'bad-query', error.message);
      throw error;
    }
    const found = await selectInstances(searchContext(request), selectionOf(request.params));
    if (!found) throw notFound();
    // A series' thumbnail is its middle instance; a study's, its first series' middle instance.
    const series = found.instances.filter((i) => i.seriesUid === found.instances[0]!.seriesUid);
    const instance = request.params.instance ? found.instances[0]! : series[Math.floor((series.length - 1) / 2)]!;
    // A multi-frame instance is rendered as its first frame, its thumbnail as its middle one.
    const frame = request.params.frame !== undefined ? Number(request.params.frame) : kind === 'rendered' ? 1 : Math.ceil(instance.numberOfFrames / 2);
    let png: Buffer | undefined;
    try {
      png = await renderedFrame(archive.blobs, instance, frame, { window, viewport, maxSide: kind === 'thumbnail' ? 128 : 512 });
    } catch (error) {
      if (error instanceof NotRenderable) throw new ApiError(406, 'not-renderable', `この画像は表示用に変換できません（${error.message}）`);
      throw error;
    }
    if (!png) throw new ApiError(404, 'frame-not-found', `フレーム番号は 1〜${instance.numberOfFrames} で指定してください`);
    await auditRequest(request, options, {
      action: `images.${kind}`,
      outcome: 'allowed',
      pseudonym: found.study.pseudonym,
      detail: { study: request.params.study, series: instance.seriesUid, instance: instance.sopInstanceUid, frame },
    });
    return reply.type('image/png').header('Cache-Control', 'no-store').send(png);
  };
  const renderedConfig = { access: 'image-views' as const, action: 'images.rendered', studyToken: true };
  const thumbnailConfig = { access: 'image-views' as const, action: 'images.thumbnail', studyToken: true };
  app.get('/dicomweb/studies/:study/series/:series/instances/:instance/rendered', { config: renderedConfig }, rendered('rendered'));
  app.get('/dicomweb/studies/:study/series/:series/instances/:instance/frames/:frame/rendered', { config: renderedConfig }, rendered('rendered'));
  app.get('/dicomweb/studies/:study/series/:series/instances/:instance/thumbnail', { config: thumbnailConfig }, rendered('thumbnail'));
  app.get('/dicomweb/studies/:study/series/:series/thumbnail', { config: thumbnailConfig }, rendered('thumbnail'));
  app.get('/dicomweb/studies/:study/thumbnail', { config: thumbnailConfig }, rendered('thumbnail'));

  // Bulk data: the pixel data a metadata answer names by BulkDataURI (all its frames, as stored).
  app.get<{ Params: StudyParams & { tag: string } }>('/dicomweb/studies/:study/series/:series/instances/:instance/bulk/:tag', { config: { access: 'image-views', action: 'images.bulk', studyToken: true } }, async (request, reply) => {
    const archive = archiveOf();
    const found = await selectInstances(searchContext(request), selectionOf(request.params));
    if (!found || request.params.tag.toUpperCase() !== '7FE00010') throw notFound();
    const instance = found.instances[0]!;
    const frames = await frameBytes(archive.blobs, instance, Array.from({ length: instance.numberOfFrames }, (_, i) => i + 1));
    if (!frames) throw notFound();
    await auditRequest(request, options, { action: 'images.bulk', outcome: 'allowed', pseudonym: found.study.pseudonym, detail: { study: request.params.study, instance: instance.sopInstanceUid, tag: '7FE00010' } });
    const boundary = newBoundary();
    const native = frameMediaType(instance.transferSyntaxUid) === 'application/octet-stream';
    return reply
      .type(`multipart/related; type="${frameMediaType(instance.transferSyntaxUid)}"; boundary=${boundary}`)
      .header('Cache-Control', 'no-store')
      .send(multipartFrames(native ? [Buffer.concat(frames)] : frames, instance.transferSyntaxUid, boundary));
  });

  // The PACSs the caller may send a study to: their own facility's that receive studies (AE titles only; where they listen stays with the administrators).
  app.get('/api/images/export-targets', { config: { access: 'image-views', action: 'images.export-targets' } }, async (request): Promise<{ items: ExportTarget[] }> => {
    const user = viewerOf(request);
    if (user.facilityCode === null) return { items: [] };
    const peers = await listDicomPeers(options.stores.identity, user.facilityCode.trim());
    return { items: peers.filter((p) => p.exportTo !== null && mayExportStudyTo(user, p)).map((p) => ({ aeTitle: p.aeTitle, facilityName: p.facilityName })) };
  });

  // The study (or some of its series) sent back by C-STORE to a PACS of the caller's own facility, each instance's outcome answered.
  app.post<{ Params: { study: string } }>('/api/images/studies/:study/export', { config: { access: 'image-views', action: 'images.export' } }, async (request): Promise<StudyExportResult> => {
    const archive = archiveOf();
    const user = viewerOf(request);
    const body = parseBody(studyExportRequest, request.body);
    const detail = { study: request.params.study, peer: body.peer.slice(0, 16), ...(body.series ? { series: body.series } : {}) };
    const found = await selectInstances(searchContext(request), { studyUid: request.params.study });
    const instances = found?.instances.filter((i) => !body.series?.length || body.series.includes(i.seriesUid)) ?? [];
    if (!found || instances.length === 0) {
      await auditRequest(request, options, { action: 'images.export', outcome: 'refused', detail: { ...detail, reason: 'study-not-found' } });
      throw notFound();
    }
    // Another facility's PACS, one that receives no studies, and an unknown AE title: one answer.
    const peer = await registeredPeer(options.stores.identity, body.peer);
    if (!peer || !peer.exportTo || !mayExportStudyTo(user, peer)) {
      await auditRequest(request, options, { action: 'images.export', outcome: 'refused', pseudonym: found.study.pseudonym, detail: { ...detail, reason: 'dicom-peer-not-found' } });
      throw refusalError(dicomPeerRefusal('dicom-peer-not-found', `no PACS ${body.peer.slice(0, 16)} to send to`));
    }
    // On the trail before a byte leaves; what did not arrive is added after.
    const target = { ...detail, peer: peer.aeTitle, to: `${peer.exportTo.host}:${peer.exportTo.port}`, instances: instances.length };
    await auditRequest(request, options, { action: 'images.export', outcome: 'allowed', pseudonym: found.study.pseudonym, detail: target });
    const results = await exportInstances(archive.blobs, instances, { aeTitle: peer.aeTitle, ...peer.exportTo }, { log: (message) => request.log.warn(message) });
    const sent = results.filter((r) => r.ok).length;
    if (sent < results.length) {
      await auditRequest(request, options, { action: 'images.export', outcome: 'failed', pseudonym: found.study.pseudonym, detail: { ...target, sent, failed: results.length - sent } });
    }
    return { peer: peer.aeTitle, sent, failed: results.length - sent, instances: results.map((r) => ({ sopInstanceUid: r.sopInstanceUid, seriesUid: r.seriesUid, status: r.status, ok: r.ok, ...(r.comment ? { comment: r.comment } : {}) })) };
  });

  // A study token (study-tokens.ts in @renkei/access): for a viewer that cannot send the session cookie, five minutes, this study only, this terminal.
  app.post<{ Params: { study: string } }>('/api/images/studies/:study/token', { config: { access: 'image-views', action: 'images.token' } }, async (request): Promise<StudyTokenResponse> => {
    const session = sessionOf(request);
    const study = await visibleStudy(options.stores.clinical, session.user, request.params.study, sharedWith(request));
    if (!study) throw notFound();
    const { token, expiresAt } = issueStudyToken(options.studyTokenKey, { sessionHash: session.tokenHash, terminalSerial: session.terminalSerial, studyUid: request.params.study });
    await auditRequest(request, options, { action: 'images.token', outcome: 'allowed', pseudonym: study.pseudonym, detail: { study: request.params.study, expiresAt: expiresAt.toISOString() } });
    return { token, expiresAt: expiresAt.toISOString() };
  });

  // The study as a ZIP (DICOM files and a DICOMDIR), with its length up front and byte ranges, so that a broken download resumes.
  app.get<{ Params: { study: string }; Querystring: { series?: string } }>('/api/images/studies/:study/download', { config: { access: 'image-views', action: 'images.download', studyToken: true } }, async (request, reply) => {
    const archive = archiveOf();
    const series = request.query.series ? request.query.series.split(',').map((s) => s.trim()) : undefined;
    const download = await studyDownload(searchContext(request), request.params.study, series);
    if (!download) throw notFound();
    const { zip } = download;
    const range = byteRange(request.headers.range, zip.length, [request.headers['if-range']].flat()[0], download.etag);
    if (range === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${zip.length}`).send();
    await auditRequest(request, options, {
      action: 'images.download',
      outcome: 'allowed',
      pseudonym: download.study.pseudonym,
      detail: { study: request.params.study, ...(series ? { series } : {}), instances: download.instances, bytes: zip.length, ...(range ? { range: `${range.start}-${range.end - 1}` } : {}) },
    });
    reply
      .type('application/zip')
      .header('Content-Disposition', `attachment; filename="${download.fileName}"`)
      .header('Accept-Ranges', 'bytes')
      .header('ETag', download.etag)
      .header('Cache-Control', 'no-store');
    if (range) {
      return reply
        .code(206)
        .header('Content-Range', `bytes ${range.start}-${range.end - 1}/${zip.length}`)
        .header('Content-Length', range.end - range.start)
        .send(zip.stream(archive.blobs, range.start, range.end));
    }
    return reply.header('Content-Length', zip.length).send(zip.stream(archive.blobs));
  });
}

/** Whether an Accept header lets a PNG be the answer (none at all does). */
function acceptsPng(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept.split(',').some((entry) => {
    const [range, ...params] = entry.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) return false;
    return range === 'image/png' || range === 'image/*' || range === '*/*';
  });
}

/** One byte range of a Range header (`bytes=a-b`, `bytes=a-`, `bytes=-n`) as [start, end); undefined: the whole; a stale If-Range also means the whole. */
function byteRange(header: string | undefined, length: number, ifRange: string | undefined, etag: string): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  if (ifRange !== undefined && ifRange !== etag) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, length - Number(match[2]));
    end = length;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? length : Math.min(length, Number(match[2]) + 1);
  }
  if (start >= length || start >= end) return 'unsatisfiable';
  return { start, end };
}
