/**
 * Persons read in the last minute (name, sex, birth date, the pseudonyms of
 * their enrollments), so that a summary and the tabs after it do not ask the
 * identity store again. Entries live `ttlMs`; a link or unlink at this server
 * clears them at once, one at another server shows here within `ttlMs`.
 * Access is checked on every request before this is asked.
 */
import { readPersonRecord, type PersonRecord } from '@renkei/identity';
import type { Db, ServerKeys } from '@renkei/store';

export class PersonCache {
  private entries = new Map<string, { record: PersonRecord; readAt: number }>();

  constructor(
    private readonly identity: Db,
    private readonly keys: ServerKeys,
    private readonly options: { ttlMs?: number; maxEntries?: number } = {},
  ) {}

  async read(personId: string): Promise<PersonRecord | undefined> {
    const now = Date.now();
    const hit = this.entries.get(personId);
    if (hit && now - hit.readAt < (this.options.ttlMs ?? 60_000)) return hit.record;
    const record = await readPersonRecord(this.identity, this.keys, personId);
    if (!record) return undefined;
    this.entries.delete(personId);
    this.entries.set(personId, { record, readAt: now });
    if (this.entries.size > (this.options.maxEntries ?? 5000)) this.entries.delete(this.entries.keys().next().value!);
    return record;
  }

  /** After a link or unlink: who is who has changed. */
  clear(): void {
    this.entries = new Map();
  }
}
