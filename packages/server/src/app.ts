/**
 * The whole HTTP surface on one screen: the edge and the gate, then one plugin
 * per area. Every route declares who may call it (see gate.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Refusal } from '@renkei/access';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyHttpsOptions, type FastifyInstance } from 'fastify';
import type { Server } from 'node:https';
import { ApiError, refusalError } from './errors.js';
import { registerEdge } from './edge.js';
import { isApiPath, registerGate } from './gate.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { auditRefusal, registerRequestAudit } from './request-audit.js';
import { adminParticipantRoutes } from './routes/admin-participants.js';
import { adminReviewRoutes } from './routes/admin-reviews.js';
import { adminDicomPeerRoutes } from './routes/admin-dicom-peers.js';
import { adminTerminalRoutes } from './routes/admin-terminals.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { authRoutes } from './routes/auth.js';
import { deskRoutes } from './routes/desk.js';
import { dicomwebRoutes } from './routes/dicomweb.js';
import { searchTableRoutes } from './routes/disease-groups.js';
import { exchangeDeletionRoutes, exchangeRoutes } from './routes/exchanges.js';
import { feeRoutes } from './routes/fees.js';
import { healthRoutes } from './routes/health.js';
import { myNumberRoutes } from './routes/my-number.js';
import { patientAccessRoutes } from './routes/patient-access.js';
import { publicRoutes } from './routes/public.js';
import { settingsRoutes } from './routes/settings.js';
import { uploadRoutes } from './routes/uploads.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** The network CA: client certificates must chain to it. */
  caPem: string;
}

/** TLS 1.2 with forward secrecy and authenticated encryption only (ECDHE with AES-GCM or ChaCha20-Poly1305); TLS 1.3's suites are all of that kind. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');
const TLS13_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/** Builds the HTTPS app. Client certificates are asked for but not required in TLS, so /api/health answers without one. */
export async function buildApp(serverOptions: ServerOptions, tls: TlsMaterial): Promise<FastifyInstance> {
  const options = resolveOptions(serverOptions);
  const https: FastifyHttpsOptions<Server>['https'] = {
    cert: tls.certPem,
    key: tls.keyPem,
    ca: tls.caPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ciphers: `${TLS13_CIPHERS}:${TLS12_CIPHERS}`,
    honorCipherOrder: true,
  };
  const app = Fastify({
    https,
    logger: options.logger ? { redact: ['req.headers.cookie', 'req.headers["x-ssl-client-serial"]'] } : false,
    // The audit trail is the access log (who, where, which patient); a second log of every request would only repeat it, with access ids in its URLs.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustedProxyAddress ?? false,
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;

  app.setErrorHandler(async (thrown, request, reply) => {
    const error = thrown instanceof Refusal ? refusalError(thrown) : thrown;
    if (error instanceof ApiError) {
      await auditRefusal(request, options, error.code, error.status).catch((failure: unknown) => logFailure(request, failure));
      return reply.code(error.status).send(error.body());
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      await auditRefusal(request, options, 'bad-request', status).catch((failure: unknown) => logFailure(request, failure));
      return reply.code(status).send({ error: { code: 'bad-request', message: '要求が正しくありません' } });
    }
    logFailure(request, error);
    return reply.code(500).send({ error: { code: 'internal', message: 'サーバーでエラーが発生しました。しばらくしてからお試しください' } });
  });

  // Blobs of image stores a crash cut short (written, never indexed) are removed before anything is served.
  await options.images?.recover();
  options.audit.start();
  app.addHook('onClose', () => options.audit.stop());
  await app.register(fastifyCookie);
  registerSecurityHeaders(app, options.cardHelperUrl);
  registerRequestAudit(app);
  registerEdge(app, options);
  registerGate(app, options);
  await app.register(healthRoutes);
  await app.register(publicRoutes, options);
  await app.register(authRoutes, options);
  await app.register(settingsRoutes, options);
  await app.register(patientAccessRoutes, options);
  await app.register(searchTableRoutes, options);
  await app.register(myNumberRoutes, options);
  await app.register(deskRoutes, options);
  await app.register(adminUserRoutes, options);
  await app.register(adminTerminalRoutes, options);
  await app.register(adminDicomPeerRoutes, options);
  await app.register(adminParticipantRoutes, options);
  await app.register(adminReviewRoutes, options);
  await app.register(feeRoutes, options);
  await app.register(dicomwebRoutes, options);
  await app.register(uploadRoutes, options);
  await app.register(exchangeRoutes, options);
  await app.register(exchangeDeletionRoutes, options);
  const web = options.webRoot && existsSync(options.webRoot) ? options.webRoot : undefined;
  if (web) await app.register(webAppFiles, { root: web });
  // The web app routes on the client: any other path that is not the API's gets its page.
  const page = web ? await readFile(path.join(web, 'index.html')) : undefined;
  app.setNotFoundHandler((request, reply) =>
    page && !isApiPath(request.url)
      ? reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(page)
      : reply.code(404).send({ error: { code: 'not-found', message: 'ページが見つかりません' } }),
  );
  return app;
}

/** The built web app's files: open to anyone (they hold no data); hashed bundle files never change, the page itself is always asked for afresh. */
async function webAppFiles(app: FastifyInstance, { root }: { root: string }): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'open' };
  });
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    setHeaders: (res, filePath) => res.header('Cache-Control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}

/** A failure worth an operator's look, without anything of the request (its URL can carry an access id). */
function logFailure(request: { log: { error: (o: object, m: string) => void } }, error: unknown): void {
  request.log.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'request failed');
}
