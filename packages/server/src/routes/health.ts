import type { FastifyInstance } from 'fastify';

/** Answers without a terminal certificate: for load balancers and monitoring. Says nothing else. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { config: { access: 'open' } }, async () => ({ status: 'ok' }));
}
