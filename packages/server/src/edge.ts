/**
 * What every request must be before any route sees it, whoever sends it:
 * state-changing requests come from Renkei's own pages (no cross-site
 * requests riding on the user's cookie) and carry JSON, or what their route
 * declares it accepts; no text carries a NUL byte (PostgreSQL refuses it in
 * text and jsonb, and one in an audit record would fail the record); and the
 * routes that declare a rate limit keep to it, counted in the database so
 * that the limit holds across server processes.
 */
import { hitRateLimits, type RateLimit, type RateLimitName } from '@renkei/access';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { crossSiteRefused, invalidText, jsonRequired, tooManyRequests } from './errors.js';
import type { ResolvedOptions } from './options.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body types a state-changing route accepts (default: JSON only). */
    accepts?: readonly string[];
    /** The rate limit the route keeps to (`RATE_LIMITS`, or the server's own). */
    rateLimit?: RateLimitName;
  }
}

/** Methods that change nothing: no origin or body type is asked of them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Registered before the gate: its NUL check runs before the gate queries the stores with the URL's values. */
export function registerEdge(app: FastifyInstance, options: ResolvedOptions): void {
  app.addHook('onRequest', async (request) => {
    if (hasNul(request.params) || hasNul(request.query)) throw invalidText();
  });

  // After the gate has identified the caller (so that a refusal names them), before the body is read.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (SAFE_METHODS.has(request.method)) return payload;
    if (isCrossSite(request)) throw crossSiteRefused();
    const accepted = request.routeOptions.config.accepts ?? ['application/json'];
    if (!accepted.includes(mediaType(request.headers['content-type']))) throw jsonRequired();
    return payload;
  });

  // JSON as Fastify parses it (prototype poisoning refused), but an empty body is no body, and text with a NUL byte is refused.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, (error: Error | null, parsed?: unknown) => {
      if (error) return done(error, undefined);
      if (hasNul(parsed)) return done(invalidText(), undefined);
      done(null, parsed);
    });
  });

  app.addHook('preHandler', async (request) => {
    const name = request.routeOptions.config.rateLimit;
    if (!name) return;
    const limits = options.rateLimits[name];
    const keys: Array<{ key: string; limit: RateLimit }> = [];
    const userId = request.session?.user.id ?? typedUserId(request);
    if (limits.terminal && request.terminal) keys.push({ key: `${name}:terminal:${request.terminal.serial}`, limit: limits.terminal });
    if (limits.user && userId) keys.push({ key: `${name}:user:${userId}`, limit: limits.user });
    if (limits.address) keys.push({ key: `${name}:address:${request.ip}`, limit: limits.address });
    if (!(await hitRateLimits(options.stores.identity, keys))) throw tooManyRequests();
  });
}

/** A request from another site (or another port of this one), as the browser tells it. Clients that are not browsers send neither header, and have no cookie of the user's to ride on. */
function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return true;
  const origin = request.headers.origin;
  return origin !== undefined && origin !== `https://${request.host}`;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The ID typed at a login, for its per-user rate limit. */
function typedUserId(request: FastifyRequest): string | undefined {
  const body = request.body as { userId?: unknown } | undefined;
  return typeof body?.userId === 'string' ? body.userId.slice(0, 64) : undefined;
}

/** Whether a NUL byte is anywhere in the value's strings or keys. */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}
