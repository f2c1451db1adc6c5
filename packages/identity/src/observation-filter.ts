import type { PersonObservation } from './person-registry.js';

/** Entries per map, as in IdentityCache: forgetting only costs an observation passed on again. */
const LIMIT = 100_000;

/**
 * The observations of a run worth passing on to the person registry: those
 * that show an enrollment or a spelling of a name not passed on yet, or an
 * earlier month than the one passed on. A person seen in every month's files
 * then reaches the registry once, not once per receipt. What the registry
 * keeps of an observation (the earliest month of each enrollment and of each
 * of its names, and the receipt that showed it first) is the same with or
 * without the ones left out. A run stops at its first refused file, so what
 * was passed on before is stored by the time a later file is written.
 */
export class ObservationFilter {
  /** member hash → the earliest month passed on */
  private readonly enrollments = new Map<string, string>();
  /** member hash + name hash → the earliest month passed on */
  private readonly names = new Map<string, string>();

  /** Whether the observation can change what the registry stores; if so, it counts as passed on. */
  passes(o: PersonObservation): boolean {
    const month = o.serviceMonth;
    const enrolled = this.enrollments.get(o.memberHash);
    const nameKey = o.nameHash === '' ? undefined : `${o.memberHash} ${o.nameHash}`;
    const named = nameKey === undefined ? undefined : this.names.get(nameKey);
    const newEnrollment = enrolled === undefined || month < enrolled;
    const newName = nameKey !== undefined && (named === undefined || month < named);
    if (newEnrollment) remember(this.enrollments, o.memberHash, month);
    if (newName) remember(this.names, nameKey!, month);
    return newEnrollment || newName;
  }
}

function remember(map: Map<string, string>, key: string, value: string): void {
  if (map.size >= LIMIT) map.clear();
  map.set(key, value);
}
