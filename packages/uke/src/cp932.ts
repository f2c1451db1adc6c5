/**
 * CP932 lines decoded through two tables made once from iconv-lite's own
 * decoding: the same characters, without a decoder's buffers for every line.
 * A line with a byte pair the tables do not hold (a malformed file) is left
 * to iconv-lite itself, so that it reads exactly as it always has.
 */
import iconv from 'iconv-lite';

interface Tables {
  /** Character of each single byte from 0x80 on; 0 for a lead byte (or a byte iconv-lite does not map). */
  single: Uint16Array;
  /** Character of each two-byte sequence, indexed lead << 8 | trail; 0 where there is none. */
  double: Uint16Array;
}

let tables: Tables | undefined;
let units = new Uint16Array(256);
const utf16 = new TextDecoder('utf-16le');

/** Decodes the bytes of one line (no line break inside). */
export function decodeCp932Line(bytes: Uint8Array): string {
  const { single, double } = (tables ??= makeTables());
  if (units.length < bytes.length) units = new Uint16Array(bytes.length * 2);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      units[n++] = byte;
      continue;
    }
    const one = single[byte]!;
    if (one !== 0) {
      units[n++] = one;
      continue;
    }
    const two = i + 1 < bytes.length ? double[(byte << 8) | bytes[i + 1]!]! : 0;
    if (two === 0) return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp932');
    units[n++] = two;
    i++;
  }
  return utf16.decode(units.subarray(0, n));
}

function makeTables(): Tables {
  const single = new Uint16Array(256);
  const double = new Uint16Array(65536);
  const one = (text: string) => (text.length === 1 && text !== '\ufffd' ? text.charCodeAt(0) : 0);
  for (let byte = 0x80; byte <= 0xff; byte++) single[byte] = one(iconv.decode(Buffer.from([byte]), 'cp932'));
  for (let lead = 0x80; lead <= 0xff; lead++) {
    if (single[lead] !== 0) continue;
    for (let trail = 0x40; trail <= 0xff; trail++) double[(lead << 8) | trail] = one(iconv.decode(Buffer.from([lead, trail]), 'cp932'));
  }
  return { single, double };
}
