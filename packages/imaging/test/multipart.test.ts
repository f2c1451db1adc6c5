import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MultipartError, readMultipart } from '../src/index.js';

const BOUNDARY = 'renkei-7d3f';

/** A multipart/related body of `bodies`, each part with its own Content-Type. */
function multipart(bodies: Buffer[], preamble = ''): Buffer {
  const parts: Buffer[] = [Buffer.from(preamble)];
  for (const body of bodies) parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`), body, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** `bytes` handed on in chunks of `size` bytes, as a socket would. */
async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function read(body: AsyncIterable<Buffer>, maxPartBytes = 1 << 20) {
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  for await (const part of readMultipart(body, BOUNDARY, maxPartBytes)) parts.push(part);
  return parts;
}

describe('multipart/related reading', () => {
  // Bodies that end in what a delimiter begins with, and one that holds "--renkei" not after a line break.
  const bodies = [randomBytes(5000), Buffer.from('\r\n-'), Buffer.alloc(0), Buffer.from(`a--${BOUNDARY}b\r\n--renkei`), randomBytes(70_000)];
  const whole = multipart(bodies, 'a preamble, ignored\r\n');

  it('reads the same parts however the body is cut into chunks, a delimiter split across any two', async () => {
    for (const size of [1, 2, 3, 5, 7, 13, 16, 17, 64, 1000, 16 * 1024, whole.length]) {
      const parts = await read(inChunks(whole, size));
      expect(parts.map((p) => p.body.toString('hex')), `chunks of ${size} bytes`).toEqual(bodies.map((b) => b.toString('hex')));
      expect(parts.every((p) => p.headers['content-type'] === 'application/dicom')).toBe(true);
    }
  });

  it('hands on each part as its own copy, not a view of the chunks it came in', async () => {
    const chunks = [...(function* () {
      for (let at = 0; at < whole.length; at += 4096) yield Buffer.from(whole.subarray(at, at + 4096));
    })()];
    const parts = await read((async function* () { yield* chunks; })());
    for (const chunk of chunks) chunk.fill(0);
    expect(parts[4]!.body.equals(bodies[4]!)).toBe(true);
  });

  it('refuses a part larger than the limit, and a body cut short before its closing delimiter', async () => {
    await expect(read(inChunks(whole, 1000), 60_000)).rejects.toThrow(new MultipartError('a part is larger than 60000 bytes'));
    await expect(read(inChunks(whole.subarray(0, whole.length - 10), 999))).rejects.toThrow(/truncated/);
    await expect(read(inChunks(whole.subarray(0, 3000), 999))).rejects.toThrow(/truncated/);
  });
});
