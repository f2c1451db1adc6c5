import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedBlobs, FileBlobStore } from '../src/index.js';
import { workFolder } from '../src/testing.js';

const collect = async (chunks: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
};

describe('encrypted image blobs read in order', () => {
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let blobs: EncryptedBlobs;
  // Small and multi-segment (the segment is 256 KiB) contents.
  const contents = [randomBytes(1000), randomBytes(600 * 1024), randomBytes(3), randomBytes(300 * 1024)];
  const names: string[] = [];
  const key = randomBytes(32);

  beforeAll(async () => {
    folder = await workFolder();
    blobs = new EncryptedBlobs(new FileBlobStore(path.join(folder.dir, 'blobs')), key);
    for (const c of contents) names.push((await blobs.put(c)).name);
  });
  afterAll(() => folder.remove());

  it('gives ranges of many blobs and bytes between them in their order, read ahead or streamed, as their plaintext', async () => {
    const ranges = [
      Buffer.from('head'),
      { name: names[0]!, start: 0, end: 1000 },
      Buffer.from('|'),
      { name: names[1]!, start: 100, end: 500 * 1024 }, // across segments
      { name: names[2]!, start: 0, end: 3 },
      { name: names[3]! }, // no end: streamed
      { name: names[1]!, start: 0, end: 600 * 1024 },
      Buffer.from('tail'),
    ];
    const expected = Buffer.concat([
      Buffer.from('head'),
      contents[0]!,
      Buffer.from('|'),
      contents[1]!.subarray(100, 500 * 1024),
      contents[2]!,
      contents[3]!,
      contents[1]!,
      Buffer.from('tail'),
    ]);
    for (const ahead of [1, 2, 8]) expect((await collect(blobs.inOrder(ranges, ahead))).equals(expected)).toBe(true);
    // Ranges above the whole-read limit are streamed, with the same bytes.
    expect((await collect(blobs.inOrder(ranges, 4, 1024))).equals(expected)).toBe(true);
  });

  it('ends the stream with the error of a blob that cannot be read, after the bytes before it', async () => {
    const given: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of blobs.inOrder([{ name: names[0]!, start: 0, end: 1000 }, { name: 'f'.repeat(64), start: 0, end: 10 }, { name: names[2]!, start: 0, end: 3 }])) given.push(chunk);
    })();
    await expect(reading).rejects.toThrow();
    expect(Buffer.concat(given).equals(contents[0]!)).toBe(true);
  });

  it('refuses a blob with one byte changed, read whole, in part or by range', async () => {
    const store = new FileBlobStore(path.join(folder.dir, 'blobs'));
    const sealed = Buffer.from(await store.read(names[1]!, 0, (await store.size(names[1]!))!));
    // A byte of the second segment's ciphertext (after the 32-byte header and the first segment with its tag).
    sealed[32 + 256 * 1024 + 16 + 10]! ^= 1;
    const altered = 'a'.repeat(64);
    await store.put(altered, [sealed]);
    await expect(blobs.read(altered)).rejects.toThrow();
    await expect(blobs.read(altered, 256 * 1024, 256 * 1024 + 100)).rejects.toThrow();
    await expect(collect(blobs.inOrder([{ name: altered, start: 0, end: 600 * 1024, length: 600 * 1024 }]))).rejects.toThrow();
    // The first segment is untouched and still reads.
    expect((await blobs.read(altered, 0, 1000)).equals(contents[1]!.subarray(0, 1000))).toBe(true);
  });

  it('reads a whole blob of known length with one read of its file, a shorter range the general way, and refuses a cut blob', async () => {
    const store = new FileBlobStore(path.join(folder.dir, 'blobs'));
    const reads: Array<[string, number, number]> = [];
    const counted = Object.assign(Object.create(store) as FileBlobStore, {
      read: (name: string, start: number, end: number) => {
        reads.push([name, start, end]);
        return store.read(name, start, end);
      },
    });
    const countedBlobs = new EncryptedBlobs(counted, key);
    const whole = await collect(countedBlobs.inOrder([{ name: names[1]!, start: 0, end: 600 * 1024, length: 600 * 1024 }, { name: names[2]!, end: 3, length: 3 }]));
    expect(whole.equals(Buffer.concat([contents[1]!, contents[2]!]))).toBe(true);
    expect(reads.map(([name]) => name)).toEqual([names[1], names[2]]);

    // A range that ends before the blob does: read the general way, from its header.
    reads.length = 0;
    const part = await collect(countedBlobs.inOrder([{ name: names[1]!, start: 0, end: 1000, length: 600 * 1024 }]));
    expect(part.equals(contents[1]!.subarray(0, 1000))).toBe(true);
    expect(reads).toContainEqual([names[1], 0, 32]);

    // A blob cut short fails to decrypt rather than answer fewer bytes.
    const sealed = await store.read(names[3]!, 0, (await store.size(names[3]!))!);
    await store.put('c'.repeat(64), [sealed.subarray(0, sealed.length - 100)]);
    await expect(collect(countedBlobs.inOrder([{ name: 'c'.repeat(64), start: 0, end: 300 * 1024, length: 300 * 1024 }]))).rejects.toThrow();
  });
});
