/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment
 * offsets, then one PackBits segment per byte of each sample (most
 * significant byte first, sample by sample). No package on npm decodes it
 * in Node apart from whole viewers, and it is this small.
 */
import { NotRenderable } from '../render/render.js';

export interface RleFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/**
 * A frame's RLE bytes as native pixel data: little endian, samples
 * interleaved (planar configuration 0), whatever the header said.
 *
 * @example decodeRle(fragment, { rows: 512, columns: 512, samplesPerPixel: 1, bitsAllocated: 16 }) // 524,288 bytes
 */
export function decodeRle(encoded: Uint8Array, frame: RleFrame): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated } = frame;
  if (bitsAllocated % 8 !== 0) throw new NotRenderable(`RLE of ${bitsAllocated} bits allocated`);
  const bytesPerSample = bitsAllocated / 8;
  const pixels = rows * columns;
  const expected = samplesPerPixel * bytesPerSample;
  if (encoded.length < 64) throw new NotRenderable('an RLE frame shorter than its 64-byte header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const count = view.getUint32(0, true);
  if (count !== expected) throw new NotRenderable(`an RLE frame of ${count} segments, ${expected} expected for ${samplesPerPixel} sample(s) of ${bitsAllocated} bits`);
  const offsets = Array.from({ length: count }, (_, i) => view.getUint32(4 + i * 4, true));
  const out = new Uint8Array(pixels * expected);
  for (let segment = 0; segment < count; segment++) {
    const start = offsets[segment]!;
    const end = segment + 1 < count ? offsets[segment + 1]! : encoded.length;
    if (start < 64 || end > encoded.length || end < start) throw new NotRenderable(`RLE segment ${segment + 1} lies outside the frame`);
    const sample = Math.floor(segment / bytesPerSample);
    // Segment 0 of a sample is its most significant byte, stored last in little endian.
    const byte = bytesPerSample - 1 - (segment % bytesPerSample);
    const decoded = unpackBits(encoded.subarray(start, end), pixels);
    if (decoded.length < pixels) throw new NotRenderable(`RLE segment ${segment + 1} decodes to ${decoded.length} bytes, ${pixels} expected`);
    for (let p = 0; p < pixels; p++) out[(p * samplesPerPixel + sample) * bytesPerSample + byte] = decoded[p]!;
  }
  return out;
}

/** PackBits (PS3.5 G.3.1): n ≥ 0 copies the next n+1 bytes, −127…−1 repeats the next byte 1−n times, −128 does nothing. At most `length` bytes. */
export function unpackBits(segment: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  let i = 0;
  while (at < length && i < segment.length) {
    const n = (segment[i++]! << 24) >> 24;
    if (n >= 0) {
      const run = Math.min(n + 1, length - at, segment.length - i);
      out.set(segment.subarray(i, i + run), at);
      at += run;
      i += n + 1;
    } else if (n !== -128) {
      if (i >= segment.length) break;
      const run = Math.min(1 - n, length - at);
      out.fill(segment[i]!, at, at + run);
      at += run;
      i++;
    }
  }
  return out.subarray(0, at);
}
