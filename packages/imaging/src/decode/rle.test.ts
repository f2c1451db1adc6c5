import { describe, expect, it } from 'vitest';
import { NotRenderable } from '../render/render.js';
import { decodeRle, unpackBits } from './rle.js';

/** An RLE frame (PS3.5 G.5): the 64-byte header with the segments' offsets, then the segments. */
function rleFrame(segments: number[][]): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32LE(segments.length, 0);
  let offset = 64;
  segments.forEach((segment, i) => {
    header.writeUInt32LE(offset, 4 + i * 4);
    offset += segment.length;
  });
  return Buffer.concat([header, ...segments.map((s) => Buffer.from(s))]);
}

describe('RLE lossless (PS3.5 Annex G)', () => {
  it('unpacks literal runs, replicate runs and skips −128', () => {
    // 2: three literals; −3 (0xFD): four times 9; −128 (0x80): nothing; 0: one literal.
    expect(Array.from(unpackBits(Buffer.from([2, 1, 2, 3, 0xfd, 9, 0x80, 0, 7]), 100))).toEqual([1, 2, 3, 9, 9, 9, 9, 7]);
    // Never more than asked, and a segment's even-length padding is not read as pixels.
    expect(Array.from(unpackBits(Buffer.from([0xfd, 5, 0]), 2))).toEqual([5, 5]);
  });

  it('puts the most significant segment of 16-bit samples in the high byte, little endian', () => {
    // 2×2 pixels: high bytes 0x01 0x02 0xFC 0x00, low bytes all 0x18.
    const frame = rleFrame([
      [3, 0x01, 0x02, 0xfc, 0x00],
      [0xfd, 0x18],
    ]);
    const pixels = decodeRle(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 });
    expect(Array.from(new Int16Array(pixels.buffer, pixels.byteOffset, 4))).toEqual([0x0118, 0x0218, -1000, 0x0018]);
  });

  it('interleaves the red, green and blue segments of colour samples', () => {
    const frame = rleFrame([
      [0xff, 255],
      [1, 0, 128],
      [0xff, 7],
    ]);
    expect(Array.from(decodeRle(frame, { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 }))).toEqual([255, 0, 7, 255, 128, 7]);
  });

  it('refuses a frame whose segments do not fit its header', () => {
    const grey = { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 };
    expect(() => decodeRle(rleFrame([[0xfd, 1], [0xfd, 2]]), grey)).toThrow(new NotRenderable('an RLE frame of 2 segments, 1 expected for 1 sample(s) of 8 bits'));
    expect(() => decodeRle(rleFrame([[0xff, 1]]), grey)).toThrow(/decodes to 2 bytes, 4 expected/);
    expect(() => decodeRle(Buffer.alloc(10), grey)).toThrow(NotRenderable);
    const outside = rleFrame([[0xfd, 1]]);
    outside.writeUInt32LE(500, 4);
    expect(() => decodeRle(outside, grey)).toThrow(/outside the frame/);
  });
});
