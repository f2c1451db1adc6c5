/**
 * The public directory (参加機関一覧): the insurers and facilities taking part
 * today, as anyone may look them up. No terminal certificate, no login, and
 * nothing but what a participant would print on its door.
 */
import { listPublicFacilities, listPublicInsurers } from '@renkei/admin';
import type { PublicFacility, PublicInsurer } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import type { ResolvedOptions } from '../options.js';

export async function publicRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const route = { config: { access: 'open', rateLimit: 'public-directory' } } as const;
  app.get('/api/public/insurers', route, async (): Promise<{ insurers: PublicInsurer[] }> => ({ insurers: await listPublicInsurers(options.stores.identity) }));
  app.get('/api/public/facilities', route, async (): Promise<{ facilities: PublicFacility[] }> => ({ facilities: await listPublicFacilities(options.stores.identity) }));
}
