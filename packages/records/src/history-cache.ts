/**
 * Recently read histories, for the tabs and searches that follow a summary and
 * for the next patient's return. A history changes only when claims are
 * ingested, and every ingest commits a claim_files row: the count of those rows
 * (read at most every `checkEveryMs`) tells a cached history is stale. Access is
 * checked before the cache is asked; it only saves re-reading what the caller
 * may read anyway.
 */
import type { PersonHistory } from '@renkei/history';
import type { Db } from '@renkei/store';

export class HistoryCache {
  private readonly entries = new Map<string, { version: string; history: PersonHistory }>();
  private version: { value: string; checkedAt: number } | undefined;

  constructor(
    private readonly clinical: Db,
    private readonly options: { maxEntries?: number; checkEveryMs?: number } = {},
  ) {}

  async read(pseudonyms: readonly string[], load: () => Promise<PersonHistory>): Promise<PersonHistory> {
    const key = [...pseudonyms].sort().join(',');
    const version = await this.currentVersion();
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Most recently used last: the oldest is the first to go.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.history;
    }
    const history = await load();
    this.entries.set(key, { version, history });
    if (this.entries.size > (this.options.maxEntries ?? 2000)) this.entries.delete(this.entries.keys().next().value!);
    return history;
  }

  private async currentVersion(): Promise<string> {
    const now = Date.now();
    if (!this.version || now - this.version.checkedAt >= (this.options.checkEveryMs ?? 2000)) {
      const { rows } = await this.clinical.query<{ files: string }>('SELECT count(*)::text AS files FROM claim_files');
      this.version = { value: rows[0]!.files, checkedAt: now };
    }
    return this.version.value;
  }
}
