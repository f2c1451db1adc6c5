import type { Db } from '@renkei/store';

interface Cached {
  name: string | undefined;
  until: number;
}

/** More names than a prefecture's users and facilities: past it, the cache starts again. */
const MAX_CACHED = 50_000;

/**
 * The names of users and facilities as boxes and items show them, kept for a
 * while (a minute by default): a page of an inbox names the same few parties a
 * hundred times, and asking the identity store for them on every page would
 * cost two of the request's queries. A renamed user or facility shows its new
 * name once its entry expires; letters and reports, which are signed, read the
 * names from the store itself.
 */
export class DisplayNames {
  private readonly users = new Map<string, Cached>();
  private readonly facilities = new Map<string, Cached>();

  constructor(
    private readonly identity: Db,
    private readonly keepMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async of(userIds: readonly string[], facilityCodes: readonly string[]): Promise<{ users: Map<string, string>; facilities: Map<string, string> }> {
    const [users, facilities] = await Promise.all([
      this.lookUp(this.users, userIds, (ids) => this.identity.query<{ key: string; name: string }>('SELECT id AS key, display_name AS name FROM users WHERE id = ANY($1::text[])', [ids])),
      this.lookUp(
        this.facilities,
        facilityCodes.map((c) => c.trim()),
        (codes) => this.identity.query<{ key: string; name: string }>('SELECT trim(code) AS key, name FROM facilities WHERE code = ANY($1::text[])', [codes]),
      ),
    ]);
    return { users, facilities };
  }

  private async lookUp(cache: Map<string, Cached>, keys: readonly string[], read: (missing: string[]) => Promise<{ rows: Array<{ key: string; name: string }> }>): Promise<Map<string, string>> {
    const now = this.clock();
    const wanted = [...new Set(keys)];
    const missing = wanted.filter((k) => (cache.get(k)?.until ?? 0) <= now);
    if (missing.length > 0) {
      const { rows } = await read(missing);
      if (cache.size + missing.length > MAX_CACHED) cache.clear();
      const found = new Map(rows.map((r) => [r.key, r.name]));
      for (const k of missing) cache.set(k, { name: found.get(k), until: now + this.keepMs });
    }
    const names = new Map<string, string>();
    for (const k of wanted) {
      const name = cache.get(k)?.name;
      if (name !== undefined) names.set(k, name);
    }
    return names;
  }
}
