import type { ServerKeys } from '@renkei/store';
import { memberKeyHash, nameHash, type Member } from './member-key.js';
import { enrollmentPseudonym } from './pseudonym.js';

/** What the identity store holds of one enrollment, as far as an ingest needs to know. */
export interface StoredEnrollment {
  firstMonth: string;
  /** name hash → the first month that spelling was seen */
  names: Map<string, string>;
}

/** Entries per map: enough for a prefecture's monthly files to hit, small enough to keep memory flat. */
const LIMIT = 100_000;

/**
 * What one ingest run has learnt of the identity store: keyed hashes and
 * pseudonyms already computed, and enrollments known to be stored, so that a
 * person seen every month costs neither an HMAC nor a query again. What a file
 * registers becomes known only when its transaction commits.
 */
export class IdentityCache {
  // One string per card ("hash pseudonym"): a run over a prefecture holds many.
  private readonly members = new Map<string, string>();
  private readonly names = new Map<string, string>();
  // Kept flat (strings, not objects per enrollment): member hash → first month, and member hash + name hash → first month.
  private readonly knownEnrollments = new Map<string, string>();
  private readonly knownNames = new Map<string, string>();
  private pending = new Map<string, StoredEnrollment>();

  constructor(private readonly keys: ServerKeys) {}

  /** memberKeyHash and the enrollment pseudonym of a card. */
  member(member: Member): { hash: string; pseudonym: string } {
    const key = `${member.insurerNumber}\u0000${member.symbol}\u0000${member.number}\u0000${member.branch}\u0000${member.birthDate}\u0000${member.sex}`;
    let entry = this.members.get(key);
    if (entry === undefined) {
      const hash = memberKeyHash(this.keys.lookup, member);
      entry = `${hash} ${enrollmentPseudonym(this.keys.pseudonym, hash)}`;
      remember(this.members, key, entry);
    }
    const space = entry.indexOf(' ');
    return { hash: entry.slice(0, space), pseudonym: entry.slice(space + 1) };
  }

  nameHash(name: string): string {
    let hash = this.names.get(name);
    if (hash === undefined) {
      hash = nameHash(this.keys.lookup, name);
      remember(this.names, name, hash);
    }
    return hash;
  }

  /** Whether the store is known to hold the enrollment from `firstMonth` on, and each spelling from its month on. */
  covers(memberHash: string, firstMonth: string, names: Iterable<[string, string]>): boolean {
    const pending = this.pending.get(memberHash);
    const stored = pending?.firstMonth ?? this.knownEnrollments.get(memberHash);
    if (stored === undefined || firstMonth < stored) return false;
    for (const [hash, month] of names) {
      const first = pending?.names.get(hash) ?? this.knownNames.get(`${memberHash} ${hash}`);
      if (first === undefined || month < first) return false;
    }
    return true;
  }

  /** Records what the current (uncommitted) file has stored. */
  record(memberHash: string, state: StoredEnrollment): void {
    this.pending.set(memberHash, state);
  }

  commit(): void {
    for (const [memberHash, state] of this.pending) {
      remember(this.knownEnrollments, memberHash, state.firstMonth);
      for (const [hash, month] of state.names) remember(this.knownNames, `${memberHash} ${hash}`, month);
    }
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
