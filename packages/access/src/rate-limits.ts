import type { Db } from '@renkei/store';

/** At most `hits` in each window of `seconds`. */
export interface RateLimit {
  hits: number;
  seconds: number;
}

/**
 * The network's rate limits, per terminal and per user: generous for a busy
 * desk or clinic, far below what a script needs to enumerate cards, IDs or
 * persons. The public directory is limited per address.
 */
export const RATE_LIMITS = {
  login: { terminal: { hits: 30, seconds: 60 }, user: { hits: 10, seconds: 60 } },
  'card-presentation': { terminal: { hits: 60, seconds: 60 }, user: { hits: 30, seconds: 60 } },
  'desk-search': { terminal: { hits: 60, seconds: 60 }, user: { hits: 30, seconds: 60 } },
  'public-directory': { address: { hits: 120, seconds: 60 } },
} as const satisfies Record<string, Partial<Record<'terminal' | 'user' | 'address', RateLimit>>>;


export type RateLimitName = keyof typeof RATE_LIMITS;

/** The limits of each name, by what they count per (a server may be given others, e.g. in tests). */
export type RateLimits = Record<RateLimitName, Partial<Record<'terminal' | 'user' | 'address', RateLimit>>>;

/**
 * Counts one hit for each key, in the database so that the limit holds across
 * server processes; true if every key is within its limit. One statement per
 * key: concurrent hits all count.
 *
 * The window slides: the hits of the window before count in proportion to how
 * much of it still lies within the last `seconds`. A fixed window would let a
 * script make twice the limit across a boundary, and would forget a burst that
 * began just before one.
 */
export async function hitRateLimits(db: Db, keys: ReadonlyArray<{ key: string; limit: RateLimit }>, now = new Date()): Promise<boolean> {
  let within = true;
  for (const { key, limit } of keys) {
    const windowMs = limit.seconds * 1000;
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const { rows } = await db.query<{ hits: number; previous: number }>(
      `WITH hit AS (
         INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1 RETURNING r.hits
       )
       SELECT hit.hits, coalesce((SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $3), 0) AS previous FROM hit`,
      [key, new Date(windowStart), new Date(windowStart - windowMs)],
    );
    const { hits, previous } = rows[0]!;
    if (slidingHits(hits, previous, (now.getTime() - windowStart) / windowMs) > limit.hits) within = false;
  }
  return within;
}

/** The hits within the last window's length, as estimated: this window's, and the share of the one before that still lies within it (`elapsed` is the share of this window gone by). */
export function slidingHits(current: number, previous: number, elapsed: number): number {
  return current + previous * (1 - elapsed);
}

/** Forgets windows that have ended (run now and then; the longest window is a minute). */
export async function pruneRateLimits(db: Db, now = new Date()): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE window_start < $1', [new Date(now.getTime() - 3_600_000)]);
}
