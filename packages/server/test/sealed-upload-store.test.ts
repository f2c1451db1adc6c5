import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ERRORS, Upload } from '@tus/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealedUploadStore } from '../src/uploads/sealed-upload-store.js';

describe('the sealed upload store', () => {
  let directory: string;
  let store: SealedUploadStore;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'renkei-uploads-'));
    store = await SealedUploadStore.open(directory, { images: randomBytes(32), encryption: randomBytes(32) }, 60_000);
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('appends at the end only: bytes at an offset written before are refused, and the upload opens as sent', async () => {
    const id = randomBytes(16).toString('hex');
    const first = randomBytes(1000);
    const second = randomBytes(777);
    await store.create(new Upload({ id, size: first.length + second.length, offset: 0 }));
    expect(await store.write(Readable.from([first]), id, 0)).toBe(first.length);
    // The same keystream twice would give away both texts: a rewrite at 0, or anywhere before the end, is an offset conflict.
    await expect(store.write(Readable.from([randomBytes(1000)]), id, 0)).rejects.toBe(ERRORS.INVALID_OFFSET);
    await expect(store.write(Readable.from([randomBytes(10)]), id, 990)).rejects.toBe(ERRORS.INVALID_OFFSET);
    await expect(store.write(Readable.from([randomBytes(10)]), id, 1001)).rejects.toBe(ERRORS.INVALID_OFFSET);
    expect(await store.write(Readable.from([second]), id, first.length)).toBe(first.length + second.length);
    expect((await store.opened(id)).equals(Buffer.concat([first, second]))).toBe(true);
    // Sealed on disk.
    expect((await readFile(path.join(directory, id))).includes(first.subarray(0, 32))).toBe(false);
  });

  it('writes nothing for an upload it does not hold', async () => {
    await expect(store.write(Readable.from([randomBytes(10)]), randomBytes(16).toString('hex'), 0)).rejects.toBe(ERRORS.FILE_NOT_FOUND);
    await expect(store.write(Readable.from([randomBytes(10)]), '../escape', 0)).rejects.toBe(ERRORS.FILE_NOT_FOUND);
  });
});
