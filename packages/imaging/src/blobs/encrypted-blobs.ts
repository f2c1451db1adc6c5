/**
 * Image blobs encrypted at rest. Each blob is cut into segments sealed with
 * AES-256-GCM under a key of its own (HKDF of the server's image key and a
 * random salt), so that a frame or a byte range is read and authenticated
 * without decrypting the whole file, and a truncated or altered blob fails
 * to decrypt. The blob's name is a keyed hash of its content: the same
 * instance is stored once, and a name tells nothing without the key.
 *
 * Layout: "RKB1" ‖ salt (16) ‖ segment size (u32) ‖ plaintext length (u64),
 * then per segment its ciphertext ‖ tag (16). Segment i's nonce is i, its
 * additional data the header and whether it is the last.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { BlobStore } from './blob-store.js';

const MAGIC = Buffer.from('RKB1');
const HEADER = 32;
const TAG = 16;
const SEGMENT = 256 * 1024;

export class EncryptedBlobs {
  constructor(
    readonly store: BlobStore,
    private readonly key: Buffer,
  ) {
    if (key.length !== 32) throw new Error('the image key must be 32 bytes');
  }

  /** The name a content of this SHA-256 is stored under. */
  nameOf(sha256: Buffer): string {
    return createHmac('sha256', this.key).update('blob name\u0000').update(sha256).digest('hex');
  }

  /** Encrypts and stores `plaintext`; answers its name. `digest`: its SHA-256, where the caller has it already (hashing a study twice costs a tenth of storing it). */
  async put(plaintext: Uint8Array, digest?: Buffer): Promise<{ name: string; sha256: string }> {
    const sha256 = digest ?? createHash('sha256').update(plaintext).digest();
    const name = this.nameOf(sha256);
    if ((await this.store.size(name)) !== undefined) return { name, sha256: sha256.toString('hex') };
    await this.store.put(name, this.seal(plaintext));
    return { name, sha256: sha256.toString('hex') };
  }

  private seal(plaintext: Uint8Array): Buffer[] {
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header, 0);
    const salt = randomBytes(16);
    salt.copy(header, 4);
    header.writeUInt32BE(SEGMENT, 20);
    header.writeBigUInt64BE(BigInt(plaintext.length), 24);
    const key = blobKey(this.key, salt);
    const parts: Buffer[] = [header];
    const count = Math.max(1, Math.ceil(plaintext.length / SEGMENT));
    for (let i = 0; i < count; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, nonce(i));
      cipher.setAAD(aad(header, i === count - 1));
      parts.push(cipher.update(plaintext.subarray(i * SEGMENT, (i + 1) * SEGMENT)), cipher.final(), cipher.getAuthTag());
    }
    return parts;
  }

  private async header(name: string): Promise<OpenedBlob> {
    return this.opened(name, await this.store.read(name, 0, HEADER));
  }

  private opened(name: string, header: Buffer): OpenedBlob {
    if (!header.subarray(0, 4).equals(MAGIC)) throw new Error(`blob ${name} is not an encrypted image blob`);
    return { header, key: blobKey(this.key, header.subarray(4, 20)), segment: header.readUInt32BE(20), length: Number(header.readBigUInt64BE(24)) };
  }

  /** The plaintext length. */
  async length(name: string): Promise<number> {
    return (await this.header(name)).length;
  }

  /** Plaintext bytes [start, end). */
  async read(name: string, start = 0, end?: number): Promise<Buffer> {
    const parts = await this.readParts(name, start, end);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * Plaintext byte ranges of many blobs, in order, as one stream of chunks, with up to
   * `ahead` of the next ranges read and decrypted while the current one is consumed:
   * a study is hundreds of small blobs, and reading them one after another leaves the
   * line waiting for the disk (and the disk for the line). Ranges above `wholeUpTo`
   * bytes (a long multi-frame instance) are streamed as they come, to keep memory flat.
   * A range that carries the blob's plaintext `length` (as the index stores it) and
   * covers all of it is read with one read of the file.
   */
  async *inOrder(ranges: Iterable<BlobRange | Buffer>, ahead = 8, wholeUpTo = 8 * 1024 * 1024): AsyncGenerator<Buffer> {
    type Pending = Buffer | Promise<Buffer[]> | BlobRange;
    const queue: Pending[] = [];
    const iterator = ranges[Symbol.iterator]();
    let inFlight = 0;
    const fill = () => {
      while (inFlight < ahead) {
        const next = iterator.next();
        if (next.done) return;
        const range = next.value;
        if (Buffer.isBuffer(range)) {
          queue.push(range);
        } else if (range.end !== undefined && range.end - (range.start ?? 0) <= wholeUpTo) {
          inFlight++;
          const whole = range.length !== undefined && (range.start ?? 0) === 0 && range.end === range.length;
          const read = (whole ? this.readWhole(range.name, range.end) : this.readParts(range.name, range.start ?? 0, range.end)).finally(() => inFlight--);
          read.catch(() => undefined); // awaited in turn below; a failure there ends the stream
          queue.push(read);
        } else {
          queue.push(range);
          return; // a long range is streamed in its turn; what follows waits for it
        }
      }
    };
    fill();
    while (queue.length > 0) {
      const head = queue.shift()!;
      if (Buffer.isBuffer(head)) yield head;
      else if (head instanceof Promise) yield* await head;
      else yield* this.chunks(head.name, head.start ?? 0, head.end);
      fill();
    }
  }

  /** Plaintext bytes [start, end) as the decrypted segments they come in (no copy into one buffer). */
  private async readParts(name: string, start: number, end: number | undefined): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(name, start, end)) parts.push(chunk);
    return parts;
  }

  /**
   * A whole blob of known plaintext length in one read of the file (header and
   * segments at once), as the index knows every instance's length; a blob whose
   * header says otherwise (another segment size, another length) is read the
   * general way. A file shorter than its length says is an error, as in `read`.
   */
  private async readWhole(name: string, length: number): Promise<Buffer[]> {
    const count = Math.max(1, Math.ceil(length / SEGMENT));
    const sealed = await this.store.read(name, 0, HEADER + count * TAG + length);
    const opened = this.opened(name, sealed.subarray(0, HEADER));
    if (opened.segment !== SEGMENT || opened.length !== length) return this.readParts(name, 0, length);
    return [...this.decrypt(opened, sealed.subarray(HEADER), 0, count - 1)].map(([, plain]) => plain);
  }

  private async *chunks(name: string, start: number, end: number | undefined): AsyncGenerator<Buffer> {
    const opened = await this.header(name);
    const { segment, length } = opened;
    const stop = Math.min(end ?? length, length);
    if (start >= stop) return;
    const first = Math.floor(start / segment);
    const last = Math.floor((stop - 1) / segment);
    // Reads of up to 16 segments (4 MiB) at once: few calls, flat memory.
    for (let from = first; from <= last; from += 16) {
      const to = Math.min(last, from + 15);
      const sealedStart = HEADER + from * (segment + TAG);
      const sealedEnd = HEADER + to * (segment + TAG) + Math.min(segment, length - to * segment) + TAG;
      const sealed = await this.store.read(name, sealedStart, sealedEnd);
      for (const [i, plain] of this.decrypt(opened, sealed, from, to)) {
        const size = plain.length;
        const lo = i === first ? start - i * segment : 0;
        const hi = i === last ? stop - i * segment : size;
        yield lo === 0 && hi === size ? plain : plain.subarray(lo, hi);
      }
    }
  }

  /** Segments from‥to (inclusive) of `sealed`, which begins at segment `from`, decrypted and authenticated. */
  private *decrypt(blob: OpenedBlob, sealed: Buffer, from: number, to: number): Generator<[number, Buffer]> {
    const { header, key, segment, length } = blob;
    const count = Math.max(1, Math.ceil(length / segment));
    for (let i = from; i <= to; i++) {
      const offset = (i - from) * (segment + TAG);
      const size = Math.min(segment, length - i * segment);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce(i));
      decipher.setAAD(aad(header, i === count - 1));
      decipher.setAuthTag(sealed.subarray(offset + size, offset + size + TAG));
      const plain = decipher.update(sealed.subarray(offset, offset + size));
      decipher.final(); // checks the tag; GCM has no bytes left to give
      yield [i, plain];
    }
  }
}

/** Plaintext bytes [start, end) of a blob; `length`, where known, is its whole plaintext length. */
export interface BlobRange {
  name: string;
  start?: number;
  end?: number;
  length?: number;
}

interface OpenedBlob {
  header: Buffer;
  key: Buffer;
  segment: number;
  length: number;
}

function blobKey(master: Buffer, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', master, salt, 'renkei image blob', 32));
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(index, 8);
  return n;
}

function aad(header: Buffer, last: boolean): Buffer {
  return Buffer.concat([header, Buffer.of(last ? 1 : 0)]);
}
