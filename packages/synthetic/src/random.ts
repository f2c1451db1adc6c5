/**
 * A seeded PRNG (sfc32) and a stateless hash. Every random choice of the
 * generator goes through one of these, so the same seed gives the same bytes.
 * Streams are derived from (seed, stream, person, month …) rather than shared,
 * so that a person's month can be regenerated on its own (corrections do that).
 */

/** murmur3's 32-bit mixing of `parts` into one well-spread integer. */
export function hash32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (const word of splitWords(part)) {
      let k = Math.imul(word, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) that depends only on `parts`: a cheap coin without a generator. */
export function hashUnit(...parts: number[]): number {
  return hash32(...parts) / 4294967296;
}

/** Seeds above 2^32 keep their high bits instead of being truncated. */
function splitWords(value: number): [number, number] {
  const integer = Math.floor(Math.abs(value));
  return [integer >>> 0, Math.floor(integer / 4294967296) >>> 0];
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seed: number[]) {
    this.a = hash32(0x243f6a88, ...seed);
    this.b = hash32(0x85a308d3, ...seed);
    this.c = hash32(0x13198a2e, ...seed);
    this.d = hash32(0x03707344, ...seed);
    for (let i = 0; i < 8; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Random.pick: empty list');
    return item;
  }

  /** Picks by relative weight: `[['a', 3], ['b', 1]]` gives 'a' three times in four. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('Random.weighted: empty list');
    return last[0];
  }
}
