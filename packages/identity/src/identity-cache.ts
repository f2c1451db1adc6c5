import type { ServerKeys } from '@renkei/store';
import { memberKeyHash, nameHash, type Member } from './member-key.js';
import { enrollmentPseudonym } from './pseudonym.js';

/** What the identity store holds of one enrollment, as far as an ingest needs to know. */
export interface StoredEnrollment {
  firstMonth: string;
  /** name hash → the first month that spelling was seen */
  names: Map<string, string>;
}

const LIMIT = 500_000;

/**
 * What one ingest run has learnt of the identity store: keyed hashes and
 * pseudonyms already computed, and enrollments known to be stored, so that a
 * person seen every month costs neither an HMAC nor a query again. What a file
 * registers becomes known only when its transaction commits.
 */
export class IdentityCache {
  private readonly members = new Map<string, { hash: string; pseudonym: string }>();
  private readonly names = new Map<string, string>();
  private readonly known = new Map<string, StoredEnrollment>();
  private pending = new Map<string, StoredEnrollment>();

  constructor(private readonly keys: ServerKeys) {}

  /** memberKeyHash and the enrollment pseudonym of a card. */
  member(member: Member): { hash: string; pseudonym: string } {
    const key = `${member.insurerNumber}\u0000${member.symbol}\u0000${member.number}\u0000${member.branch}\u0000${member.birthDate}\u0000${member.sex}`;
    let entry = this.members.get(key);
    if (!entry) {
      const hash = memberKeyHash(this.keys.lookup, member);
      entry = { hash, pseudonym: enrollmentPseudonym(this.keys.pseudonym, hash) };
      remember(this.members, key, entry);
    }
    return entry;
  }

  nameHash(name: string): string {
    let hash = this.names.get(name);
    if (hash === undefined) {
      hash = nameHash(this.keys.lookup, name);
      remember(this.names, name, hash);
    }
    return hash;
  }

  /** The stored state of an enrollment, if this run knows it. */
  stored(memberHash: string): StoredEnrollment | undefined {
    return this.pending.get(memberHash) ?? this.known.get(memberHash);
  }

  /** Records what the current (uncommitted) file has stored. */
  record(memberHash: string, state: StoredEnrollment): void {
    this.pending.set(memberHash, state);
  }

  commit(): void {
    for (const [hash, state] of this.pending) remember(this.known, hash, state);
    this.pending = new Map();
  }

  rollback(): void {
    this.pending = new Map();
  }
}

/** Bounded: a run over a prefecture's claims must not grow without limit. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= LIMIT) map.clear();
  map.set(key, value);
}
