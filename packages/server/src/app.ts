/**
 * The whole HTTP surface on one screen: the gate, then one plugin per area.
 */
import { existsSync } from 'node:fs';
import { AdminRefusal } from '@renkei/admin';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyHttpsOptions, type FastifyInstance } from 'fastify';
import type { Server } from 'node:https';
import { ApiError, refusalError } from './errors.js';
import { registerGate } from './gate.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { adminParticipantRoutes } from './routes/admin-participants.js';
import { adminTerminalRoutes } from './routes/admin-terminals.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { authRoutes } from './routes/auth.js';
import { deskCardRoutes, deskRoutes } from './routes/desk.js';
import { searchTableRoutes } from './routes/disease-groups.js';
import { healthRoutes } from './routes/health.js';
import { myNumberRoutes } from './routes/my-number.js';
import { feeRoutes } from './routes/fees.js';
import { patientAccessRoutes } from './routes/patient-access.js';
import { publicRoutes } from './routes/public.js';
import { settingsRoutes } from './routes/settings.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** The network CA: client certificates must chain to it. */
  caPem: string;
}

/** Builds the HTTPS app. Client certificates are asked for but not required in TLS, so /api/health answers without one. */
export async function buildApp(serverOptions: ServerOptions, tls: TlsMaterial): Promise<FastifyInstance> {
  const options = resolveOptions(serverOptions);
  const https: FastifyHttpsOptions<Server>['https'] = { cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  const app = Fastify({
    https,
    logger: options.logger ? { redact: ['req.headers.cookie', 'req.headers["x-ssl-client-serial"]'] } : false,
    // The audit trail is the access log (who, where, which patient); a second log of every request would only repeat it, with access ids in its URLs.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustedProxyAddress ?? false,
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;

  app.setErrorHandler((thrown, request, reply) => {
    const error = thrown instanceof AdminRefusal ? refusalError(thrown) : thrown;
    if (error instanceof ApiError) return reply.code(error.status).send(error.body());
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'bad-request', message: '要求が正しくありません' } });
    request.log.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'サーバーでエラーが発生しました。しばらくしてからお試しください' } });
  });

  app.addHook('onClose', () => options.audit.flush());
  await app.register(fastifyCookie);
  registerSecurityHeaders(app, options.cardHelperUrl);
  registerGate(app, options);
  await app.register(healthRoutes);
  await app.register(authRoutes, options);
  await app.register(patientAccessRoutes, options);
  await app.register(searchTableRoutes, options);
  await app.register(deskRoutes, options);
  await app.register(deskCardRoutes, options);
  await app.register(myNumberRoutes, options);
  await app.register(adminParticipantRoutes, options);
  await app.register(feeRoutes, options);
  await app.register(publicRoutes, options);
  await app.register(adminTerminalRoutes, options);
  await app.register(adminUserRoutes, options);
  await app.register(settingsRoutes, options);
  const web = options.webRoot && existsSync(options.webRoot) ? options.webRoot : undefined;
  if (web) {
    await app.register(fastifyStatic, {
      root: web,
      wildcard: false,
      // Hashed bundle files never change; the page itself is always asked for afresh.
      setHeaders: (res, filePath) => res.header('Cache-Control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  // The web app routes on the client: any other non-API path gets its page.
  app.setNotFoundHandler((request, reply) =>
    web && !request.url.startsWith('/api/') ? reply.sendFile('index.html') : reply.code(404).send({ error: { code: 'not-found', message: 'ページが見つかりません' } }),
  );
  return app;
}
