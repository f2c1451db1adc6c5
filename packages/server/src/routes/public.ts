/**
 * The public directory (参加機関一覧): the insurers and facilities taking part
 * today, as anyone may look them up. No terminal certificate, no login, and
 * nothing but what a participant would print on its door.
 */
import { listPublicFacilities, listPublicInsurers } from '@renkei/admin';
import type { PublicFacility, PublicInsurer } from '@renkei/api';
import type { FastifyInstance } from 'fastify';
import type { ResolvedOptions } from '../options.js';

/** The paths the gate lets through without a terminal (see gate.ts). */
export const PUBLIC_PATHS = ['/api/public/insurers', '/api/public/facilities'] as const;

export async function publicRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  app.get(PUBLIC_PATHS[0], async (): Promise<{ insurers: PublicInsurer[] }> => ({ insurers: await listPublicInsurers(options.stores.identity) }));
  app.get(PUBLIC_PATHS[1], async (): Promise<{ facilities: PublicFacility[] }> => ({ facilities: await listPublicFacilities(options.stores.identity) }));
}
