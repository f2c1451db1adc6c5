import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferEntry, EncryptedBlobs, FileBlobStore, StudyZip, type ZipEntry } from '../src/index.js';
import { newUid, syntheticSlice, workFolder } from '../src/testing.js';

const run = (command: string, args: string[]) =>
  new Promise<string>((resolve, reject) => execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${command}: ${stderr || error.message}`)) : resolve(stdout))));

/** The archive's bytes [start, end), as a download streams them (entries given as bytes read nothing from the blob store). */
const noBlobs = new EncryptedBlobs(new FileBlobStore(path.join(tmpdir(), 'renkei-no-blobs')), randomBytes(32));
async function bytesOf(zip: StudyZip, start?: number, end?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of zip.stream(noBlobs, start, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const ZIP64_END = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
const ZIP64_LOCATOR = Buffer.from([0x50, 0x4b, 0x06, 0x07]);
const modified = new Date('2026-12-01T09:30:00Z');

describe('the study ZIP', () => {
  let folder: Awaited<ReturnType<typeof workFolder>>;
  const study = newUid();
  const series = newUid();
  const slices = [1, 2, 3].map((n) => syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: n, rows: 64, columns: 64, seed: n }));
  const entries = (): ZipEntry[] => [bufferEntry('DICOMDIR', Buffer.from('a DICOMDIR stand-in')), ...slices.map((bytes, i) => bufferEntry(`DICOM/S001/I0000${i + 1}`, bytes))];

  beforeAll(async () => {
    folder = await workFolder();
  });
  afterAll(async () => {
    await folder?.remove();
  });

  it('writes ZIP64 records when asked, which unzip reads, and resumes across the central directory', async () => {
    const zip = new StudyZip(entries(), modified, { zip64: true });
    const whole = await bytesOf(zip);
    expect(whole.length).toBe(zip.length);
    expect(whole.includes(ZIP64_END)).toBe(true);
    expect(whole.includes(ZIP64_LOCATOR)).toBe(true);
    const file = folder.file('forced.zip');
    await writeFile(file, whole);
    expect(await run('unzip', ['-t', file])).toMatch(/No errors detected/);
    // Every entry carries the ZIP64 extra field (tag 0x0001) and needs version 4.5.
    const info = await run('zipinfo', ['-v', file]);
    expect(info.match(/minimum software version required to extract:\s+4\.5/g)).toHaveLength(4);
    expect(info.match(/subfield with ID 0x0001 \(PKWARE 64-bit sizes\)/g)).toHaveLength(4);
    await run('unzip', ['-q', file, '-d', folder.file('forced')]);
    expect(await readFile(path.join(folder.file('forced'), 'DICOM/S001/I00002'))).toEqual(slices[1]);

    // A download broken inside the central directory resumes there; the parts make the same archive.
    const directory = zip.segments[zip.segments.length - 2]!;
    expect(whole.readUInt32LE(directory.start)).toBe(0x02014b50);
    for (const cut of [directory.start + 7, directory.start + directory.length - 1, directory.start + directory.length + 3]) {
      const resumed = Buffer.concat([await bytesOf(zip, 0, cut), await bytesOf(zip, cut)]);
      expect(resumed).toEqual(whole);
    }
    // A range inside the directory alone is exactly those bytes.
    expect(await bytesOf(zip, directory.start + 5, directory.start + 50)).toEqual(whole.subarray(directory.start + 5, directory.start + 50));
  });

  it('writes the classic records for a small study, and the same layout every time', async () => {
    const zip = new StudyZip(entries(), modified);
    const whole = await bytesOf(zip);
    expect(whole.includes(ZIP64_END)).toBe(false);
    expect(whole.length).toBe(zip.length);
    expect(await bytesOf(new StudyZip(entries(), modified))).toEqual(whole);
    expect(zip.length).toBeLessThan(new StudyZip(entries(), modified, { zip64: true }).length);
  });

  it('switches to ZIP64 at 65,535 entries, and unzip reads every one', async () => {
    const many = Array.from({ length: 65_536 }, (_, i) => bufferEntry(`DICOM/S${String(Math.floor(i / 10_000)).padStart(3, '0')}/I${String(i % 10_000).padStart(5, '0')}`, Buffer.from(`instance ${i}`)));
    const zip = new StudyZip(many, modified);
    const whole = await bytesOf(zip);
    expect(whole.length).toBe(zip.length);
    // The classic end record says "see ZIP64" for the count.
    expect(whole.readUInt16LE(whole.length - 22 + 10)).toBe(0xffff);
    const file = folder.file('many.zip');
    await writeFile(file, whole);
    const listing = await run('zipinfo', ['-t', file]);
    expect(listing).toMatch(/^65536 files/);
    expect(await run('unzip', ['-tq', file])).toMatch(/No errors detected/);
    // 65,534 entries stay classic.
    expect((await bytesOf(new StudyZip(many.slice(0, 65_534), modified))).includes(ZIP64_END)).toBe(false);
  }, 60_000);

  it('lays out a study beyond 4 GiB with 64-bit sizes and offsets, as zipinfo reads them', async () => {
    const GiB = 1024 ** 3;
    // Four 1.5 GiB multi-frame instances: the fourth begins past 4 GiB. Their bytes are never read here: only the layout is.
    const big: ZipEntry[] = [bufferEntry('DICOMDIR', Buffer.from('dir')), ...[1, 2, 3, 4].map((n) => ({ name: `DICOM/S001/I0000${n}`, size: 1.5 * GiB, crc32: 0x1234567 * n, source: { blob: `blob-${n}` } }))];
    const zip = new StudyZip(big, modified);
    expect(zip.length).toBeGreaterThan(6 * GiB);
    // A sparse file: the headers and the directory where they lie, the entries' bytes left as holes.
    const file = folder.file('big.zip');
    const handle = await open(file, 'w');
    try {
      for (const segment of zip.segments) if (segment.bytes) await handle.write(segment.bytes, 0, segment.length, segment.start);
      await handle.truncate(zip.length);
    } finally {
      await handle.close();
    }
    const info = await run('zipinfo', ['-v', file]);
    const offsets = [...info.matchAll(/offset of local header from start of archive:\s+(\d+)/g)].map((m) => Number(m[1]));
    const locals = zip.segments.filter((s) => s.bytes && s.length >= 30 && s.bytes.readUInt32LE(0) === 0x04034b50).map((s) => s.start);
    expect(offsets).toEqual(locals);
    expect(offsets[4]).toBeGreaterThan(4 * GiB);
    const sizes = [...info.matchAll(/uncompressed size:\s+(\d+) bytes/g)].map((m) => Number(m[1]));
    expect(sizes).toEqual([3, 1.5 * GiB, 1.5 * GiB, 1.5 * GiB, 1.5 * GiB]);
    // The local header past 4 GiB carries its sizes in the ZIP64 extra field, as the central record does.
    const fourth = zip.segments.find((s) => s.start === offsets[4])!.bytes!;
    expect(fourth.readUInt32LE(18)).toBe(0xffffffff);
    expect(Number(fourth.readBigUInt64LE(30 + 'DICOM/S001/I00004'.length + 4))).toBe(1.5 * GiB);
    // A range from past 4 GiB up to the end: the directory as laid out.
    const tail = await bytesOf(zip, zip.segments[zip.segments.length - 2]!.start);
    expect(tail.readUInt32LE(0)).toBe(0x02014b50);
    expect(tail.includes(ZIP64_END)).toBe(true);
  });
});
