/**
 * A study as a ZIP in store mode, laid out before a byte is sent: every
 * entry's size and CRC-32 are in the index, so the whole length (for
 * Content-Length) and any byte range (for a resumed download) are known, and
 * the files stream from their blobs without being re-encoded. (A streaming
 * ZIP writer such as yazl computes CRCs as it goes, and so can neither say its
 * length first nor start in the middle.) ZIP64 records are written where
 * the classic fields do not reach: an entry or an offset at 4 GiB or beyond, a
 * central directory that large, or 65,535 entries or more (or everywhere, when
 * asked: `zip64: true`, so that the ZIP64 layout is tested on a small study).
 */
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import type { EncryptedBlobs } from '../blobs/encrypted-blobs.js';

export interface ZipEntry {
  name: string;
  size: number;
  crc32: number;
  /** The bytes, from a blob or given. */
  source: { blob: string } | { bytes: Buffer };
}

/** One run of the archive's bytes: written here (headers, the directory), or a blob's. */
export interface ZipSegment {
  start: number;
  length: number;
  bytes?: Buffer;
  blob?: string;
}

const ZIP64_LIMIT = 0xffffffff;
const ENTRIES_LIMIT = 0xffff;

export interface StudyZipOptions {
  /** ZIP64 records for every entry and the end of the archive, whatever its size (default: only where needed). */
  zip64?: boolean;
}

export class StudyZip {
  /** The archive's layout, in order, from 0 to `length`. */
  readonly segments: ZipSegment[] = [];
  readonly length: number;

  /** `modified`: the time every entry carries (the same archive, the same bytes). */
  constructor(
    entries: readonly ZipEntry[],
    modified: Date,
    options: StudyZipOptions = {},
  ) {
    const forced = options.zip64 === true;
    const { time, date } = dosTime(modified);
    const central: Buffer[] = [];
    let at = 0;
    const push = (segment: Omit<ZipSegment, 'start'>) => {
      this.segments.push({ start: at, ...segment });
      at += segment.length;
    };
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      const offset = at;
      const zip64 = forced || entry.size >= ZIP64_LIMIT || offset >= ZIP64_LIMIT;
      const localExtra = zip64 ? zip64Extra([entry.size, entry.size]) : Buffer.alloc(0);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(zip64 ? 45 : 20, 4);
      local.writeUInt16LE(0x0800, 6); // names in UTF-8
      local.writeUInt16LE(0, 8); // stored
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(entry.crc32 >>> 0, 14);
      local.writeUInt32LE(zip64 ? ZIP64_LIMIT : entry.size, 18);
      local.writeUInt32LE(zip64 ? ZIP64_LIMIT : entry.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(localExtra.length, 28);
      const header = Buffer.concat([local, name, localExtra]);
      push({ length: header.length, bytes: header });
      if ('blob' in entry.source) push({ length: entry.size, blob: entry.source.blob });
      else push({ length: entry.size, bytes: entry.source.bytes });

      const centralExtra = zip64 ? zip64Extra([entry.size, entry.size, offset]) : Buffer.alloc(0);
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(zip64 ? 45 : 20, 4);
      record.writeUInt16LE(zip64 ? 45 : 20, 6);
      record.writeUInt16LE(0x0800, 8);
      record.writeUInt16LE(0, 10);
      record.writeUInt16LE(time, 12);
      record.writeUInt16LE(date, 14);
      record.writeUInt32LE(entry.crc32 >>> 0, 16);
      record.writeUInt32LE(zip64 ? ZIP64_LIMIT : entry.size, 20);
      record.writeUInt32LE(zip64 ? ZIP64_LIMIT : entry.size, 24);
      record.writeUInt16LE(name.length, 28);
      record.writeUInt16LE(centralExtra.length, 30);
      record.writeUInt32LE(zip64 ? ZIP64_LIMIT : offset, 42);
      central.push(record, name, centralExtra);
    }
    const directory = Buffer.concat(central);
    const directoryOffset = at;
    push({ length: directory.length, bytes: directory });
    const needs64 = forced || directoryOffset >= ZIP64_LIMIT || directory.length >= ZIP64_LIMIT || entries.length >= ENTRIES_LIMIT;
    const tail: Buffer[] = [];
    if (needs64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(entries.length), 24);
      record.writeBigUInt64LE(BigInt(entries.length), 32);
      record.writeBigUInt64LE(BigInt(directory.length), 40);
      record.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(directoryOffset + directory.length), 8);
      locator.writeUInt32LE(1, 16);
      tail.push(record, locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    // With ZIP64, the classic fields say "see the ZIP64 record" (all ones) where they cannot hold the value, or always when forced.
    end.writeUInt16LE(forced ? ENTRIES_LIMIT : Math.min(entries.length, ENTRIES_LIMIT), 8);
    end.writeUInt16LE(forced ? ENTRIES_LIMIT : Math.min(entries.length, ENTRIES_LIMIT), 10);
    end.writeUInt32LE(forced ? ZIP64_LIMIT : Math.min(directory.length, ZIP64_LIMIT), 12);
    end.writeUInt32LE(forced ? ZIP64_LIMIT : Math.min(directoryOffset, ZIP64_LIMIT), 16);
    tail.push(end);
    const last = Buffer.concat(tail);
    push({ length: last.length, bytes: last });
    this.length = at;
  }

  /** Bytes [start, end) of the archive, streamed. */
  stream(blobs: EncryptedBlobs, start = 0, end = this.length): Readable {
    const segments = this.segments;
    function* ranges() {
      for (const segment of segments) {
        const from = Math.max(start, segment.start);
        const to = Math.min(end, segment.start + segment.length);
        if (from >= to) continue;
        if (segment.bytes) yield segment.bytes.subarray(from - segment.start, to - segment.start);
        else yield { name: segment.blob!, start: from - segment.start, end: to - segment.start, length: segment.length };
      }
    }
    return Readable.from(blobs.inOrder(ranges()), { objectMode: false, highWaterMark: 4 * 1024 * 1024 });
  }
}

export function bufferEntry(name: string, bytes: Buffer): ZipEntry {
  return { name, size: bytes.length, crc32: crc32(bytes), source: { bytes } };
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + values.length * 8);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(values.length * 8, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return extra;
}

function dosTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
