import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;
// Random bytes drawn in bulk: one system call per 4,096 ids instead of one each.
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * A time-ordered UUID (version 7, RFC 9562), made here rather than by the
 * database: rows can then be built before their transaction opens. Ids made
 * later in this process sort after earlier ones (a 12-bit counter orders those
 * made in the same millisecond), so B-tree indexes on them grow at the right edge.
 */
export function timeOrderedId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  if (poolOffset >= pool.length) {
    pool = randomBytes(16 * 4096);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
