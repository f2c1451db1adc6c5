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
 * Counts one hit for each key in its current window, in the database so that
 * the limit holds across server processes; true if every key is within its
 * limit. One statement per key: concurrent hits all count.
 */
export async function hitRateLimits(db: Db, keys: ReadonlyArray<{ key: string; limit: RateLimit }>, now = new Date()): Promise<boolean> {
  let within = true;
  for (const { key, limit } of keys) {
    const windowStart = new Date(Math.floor(now.getTime() / (limit.seconds * 1000)) * limit.seconds * 1000);
    const { rows } = await db.query<{ hits: number }>(
      `INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1 RETURNING r.hits`,
      [key, windowStart],
    );
    if (rows[0]!.hits > limit.hits) within = false;
  }
  return within;
}

/** Forgets windows that have ended (run now and then; the longest window is a minute). */
export async function pruneRateLimits(db: Db, now = new Date()): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE window_start < $1', [new Date(now.getTime() - 3_600_000)]);
}
