/**
 * The web app's uploader: resumable uploads (tus 1.0, `@tus/server`) of
 * DICOM files and photographs, behind the gate as DICOMweb's STOW-RS is (a
 * registered terminal, a session, someone who works with images). An upload
 * is its uploader's only (another user's id answers 404); its bytes wait
 * sealed in the data directory (`SealedUploadStore`), are never served, and
 * are removed when the last byte has gone into the one ingest path (DICOM as
 * it came; a JPEG or PNG wrapped as DICOM into the patient's study), or when
 * the upload expires unfinished. The last PATCH answers what became of the
 * file: stored, unchanged (a duplicate), or refused with the reason.
 *
 * POST /api/uploads (Upload-Length, Upload-Metadata: filename, filetype, and
 * for photographs studyUid and patient or an existing study), HEAD and PATCH
 * /api/uploads/{id}, DELETE /api/uploads/{id} to give up.
 */
import { Readable } from 'node:stream';
import { DicomRefusal, photographFormat, storePhotograph, type ImageArchive, type PhotographPatient } from '@renkei/imaging';
import { Metadata, Server, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, contextOf } from '../request-audit.js';
import { SealedUploadStore } from '../uploads/sealed-upload-store.js';

const UPLOADS = '/api/uploads';
/** One file may be this large (a long multi-frame ultrasound cine), as by STOW-RS. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024 - 1;
/** Expired uploads are looked for this often (or as often as they expire, if sooner). */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** What the uploader may say of a file (Upload-Metadata); anything else is dropped. */
const uploadMetadata = z.object({
  filename: z.string().max(255).optional(),
  filetype: z.string().max(127).optional(),
  studyUid: z.string().max(64).regex(UID).optional(),
  studyDescription: z.string().max(64).optional(),
  patient: z
    .string()
    .max(1024)
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'patient is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.object({
        patientId: z.string().trim().min(1).max(64),
        name: z.string().trim().max(64).optional(),
        kana: z.string().trim().max(64).optional(),
        birthDate: z.string().regex(/^\d{8}$/).optional(),
        sex: z.enum(['M', 'F', 'O']).optional(),
      }),
    )
    .optional(),
});

/** Upload-Metadata as sent (tus: `key base64,key base64`), its empty values dropped; undefined when it cannot be read. */
function saidMetadata(header: string | undefined): Record<string, string> | undefined {
  if (!header?.trim()) return {};
  try {
    return Object.fromEntries(Object.entries(Metadata.parse(header)).filter((entry): entry is [string, string] => entry[1] !== null));
  } catch {
    return undefined;
  }
}

const withValues = (metadata: Upload['metadata']): Record<string, string> => Object.fromEntries(Object.entries(metadata ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

/** What became of an uploaded file, as the last PATCH answers it. */
export type UploadOutcome =
  | { status: 'stored' | 'unchanged'; studyUid: string; seriesUid: string; sopInstanceUid: string; sopClassUid: string; photograph: boolean }
  | { error: { code: string; message: string } };

export async function uploadRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  // PATCH bodies go to tus as they come.
  app.addContentTypeParser('application/offset+octet-stream', (_request, payload, done) => done(null, payload));

  const store = options.uploadDir ? await SealedUploadStore.open(options.uploadDir, options.keys, options.uploadExpiresMs) : undefined;
  /** The Fastify request a tus request was made from: its caller, checked by the gate. */
  const callers = new WeakMap<object, FastifyRequest>();
  const archiveOf = (): ImageArchive => {
    if (!options.images) throw new ApiError(503, 'images-unavailable', '画像の保管先が設定されていません');
    return options.images;
  };

  /** Into the one ingest path, then removed, whatever the outcome: nothing of a finished upload stays here. */
  const finish = async (request: FastifyRequest, upload: Upload): Promise<{ status: number; outcome: UploadOutcome }> => {
    const archive = archiveOf();
    const bytes = await store!.opened(upload.id);
    await store!.discard(upload.id);
    const metadata = uploadMetadata.parse(withValues(upload.metadata));
    const facilityCode = upload.metadata!.facility!;
    const source = { facilityCode, actor: contextOf(request).actor, via: 'upload' };
    const photograph = photographFormat(bytes) !== undefined;
    try {
      const stored = photograph
        ? await storePhotograph(
            archive,
            bytes,
            { studyUid: metadata.studyUid ?? '', ...(metadata.patient ? { patient: metadata.patient as PhotographPatient } : {}), ...(metadata.studyDescription ? { studyDescription: metadata.studyDescription } : {}) },
            source,
          )
        : await archive.store(bytes, source);
      return { status: 200, outcome: { ...stored, photograph } };
    } catch (error) {
      if (!(error instanceof DicomRefusal)) throw error;
      await auditRequest(request, options, { action: 'images.store', outcome: 'refused', detail: { via: 'upload', upload: upload.id, reason: error.code, comment: error.message.slice(0, 200), bytes: bytes.length } });
      return { status: 422, outcome: { error: { code: error.code, message: error.message } } };
    }
  };

  const tus = store
    ? new Server({
        path: UPLOADS,
        datastore: store,
        relativeLocation: true,
        maxSize: MAX_UPLOAD_BYTES,
        // Who uploads, and for which facility, from the session (never from what the client says).
        onUploadCreate: async (req, upload) => {
          const user = sessionOf(callers.get(req)!).user;
          const said = uploadMetadata.parse(withValues(upload.metadata));
          const kept = Object.fromEntries(Object.entries(withValues(upload.metadata)).filter(([name]) => name in said));
          return { metadata: { ...kept, owner: user.id, facility: user.facilityCode!.trim() } };
        },
        onUploadFinish: async (req, upload) => {
          const { status, outcome } = await finish(callers.get(req)!, upload);
          return { status_code: status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(outcome) };
        },
      })
    : undefined;
  if (tus) {
    const sweep = () => void tus.cleanUpExpiredUploads().catch((error: unknown) => app.log.error({ err: { message: String(error) } }, 'expired uploads were not removed'));
    const timer = setInterval(sweep, Math.min(SWEEP_EVERY_MS, options.uploadExpiresMs));
    timer.unref();
    app.addHook('onReady', async () => sweep());
    app.addHook('onClose', async () => clearInterval(timer));
  }

  const tusOf = (): Server => {
    archiveOf();
    if (!tus) throw new ApiError(503, 'uploads-unavailable', 'アップロードの一時保管先が設定されていません');
    return tus;
  };

  /** The upload if it is the caller's; another's and an unknown one answer alike. */
  const owned = async (request: FastifyRequest, id: string): Promise<void> => {
    const upload = await store!.getUpload(id).catch(() => undefined);
    if (!upload || upload.metadata?.owner !== sessionOf(request).user.id) throw new ApiError(404, 'upload-not-found', 'このアップロードは見つかりません。もう一度ファイルを選んでください');
  };

  /** The request handed to tus as a Fetch request, its answer sent back as Fastify's (so that the security headers and the error handler apply). */
  const relay = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const server = tusOf();
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const body = request.body instanceof Readable ? (Readable.toWeb(request.body) as ReadableStream) : undefined;
    const webRequest = new Request(`https://${request.host}${request.url}`, { method: request.method, headers, ...(body ? { body, duplex: 'half' } : {}) } as RequestInit);
    callers.set(webRequest, request);
    const response = await server.handleWeb(webRequest as Parameters<Server['handleWeb']>[0]);
    reply.code(response.status);
    response.headers.forEach((value, name) => void reply.header(name, value));
    const answer = Buffer.from(await response.arrayBuffer());
    return reply.send(answer.length > 0 ? answer : undefined);
  };

  const config = (action: string) => ({ access: 'images' as const, action, accepts: ['', 'application/offset+octet-stream'] });

  app.post(UPLOADS, { config: config('images.upload') }, async (request, reply) => {
    tusOf();
    if (!sessionOf(request).user.facilityCode) throw new ApiError(403, 'facility-required', '医療機関に所属する利用者のみ画像を登録できます');
    const said = uploadMetadata.safeParse(saidMetadata(request.headers['upload-metadata'] as string | undefined));
    if (!said.success) throw new ApiError(400, 'bad-upload-metadata', 'アップロードの情報（患者・検査）が正しくありません');
    const sent = await relay(request, reply);
    const id = String(reply.getHeader('location') ?? '').split('/').pop();
    if (reply.statusCode === 201) {
      await auditRequest(request, options, { action: 'images.upload', outcome: 'allowed', detail: { upload: id, bytes: Number(request.headers['upload-length'] ?? 0), photograph: said.data.studyUid !== undefined } });
    }
    return sent;
  });

  const byId = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    tusOf();
    await owned(request, request.params.id);
    return relay(request, reply);
  };
  app.route<{ Params: { id: string } }>({ method: 'HEAD', url: `${UPLOADS}/:id`, config: config('images.upload'), handler: byId });
  app.patch<{ Params: { id: string } }>(`${UPLOADS}/:id`, { config: config('images.upload') }, byId);
  app.delete<{ Params: { id: string } }>(`${UPLOADS}/:id`, { config: config('images.upload-cancel') }, byId);
}
