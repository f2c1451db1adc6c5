/**
 * Where a resumable upload's bytes wait until the last one arrives: tus's
 * file store in the data directory, sealed. Each upload's bytes are written
 * through AES-256-CTR under a key of its own (derived from the image key and
 * the upload's random id), so that a chunk encrypts at any offset and a
 * resumed upload continues where the dropped one stopped; its record (who
 * uploads, for which patient) is AES-256-GCM, as identity fields are. Nothing
 * here is ever served: a finished upload is read once, into the ingest, and
 * removed.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { ERRORS, type KvStore, type Upload } from '@tus/utils';
import { decryptField, encryptField } from '@renkei/identity';

const RECORD = '.json';
const ID = /^[0-9a-f]{32}$/;

/** The upload's records, each a file `<id>.json` holding the Upload encrypted. */
class SealedRecords implements KvStore<Upload> {
  constructor(
    private readonly directory: string,
    private readonly key: Buffer,
  ) {}

  private file(id: string): string {
    if (!ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return path.join(this.directory, `${id}${RECORD}`);
  }

  async get(id: string): Promise<Upload | undefined> {
    try {
      return JSON.parse(decryptField(this.key, await readFile(this.file(id)))) as Upload;
    } catch {
      return undefined;
    }
  }

  async set(id: string, value: Upload): Promise<void> {
    await writeFile(this.file(id), encryptField(this.key, JSON.stringify(value)), { mode: 0o600 });
  }

  async delete(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith(RECORD)).map((n) => n.slice(0, -RECORD.length)).filter((id) => ID.test(id));
  }
}

export class SealedUploadStore extends FileStore {
  constructor(
    directory: string,
    private readonly keys: { images: Buffer; encryption: Buffer },
    expirationPeriodInMilliseconds: number,
  ) {
    super({ directory, configstore: new SealedRecords(directory, keys.encryption), expirationPeriodInMilliseconds });
  }

  /** Makes the folder, readable by the server's user only. */
  static async open(directory: string, keys: { images: Buffer; encryption: Buffer }, expirationPeriodInMilliseconds: number): Promise<SealedUploadStore> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new SealedUploadStore(directory, keys, expirationPeriodInMilliseconds);
  }

  /** The keystream of upload `id` from byte `offset` on. */
  private cipherAt(id: string, offset: number, decrypt = false) {
    const key = createHmac('sha256', this.keys.images).update('tus upload v1\u0000').update(id).digest();
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(Math.floor(offset / 16)), 8);
    const cipher = decrypt ? createDecipheriv('aes-256-ctr', key, iv) : createCipheriv('aes-256-ctr', key, iv);
    // Into the block where `offset` lies.
    cipher.update(Buffer.alloc(offset % 16));
    return cipher;
  }

  /**
   * Appends at the end of what was written, never elsewhere: bytes written
   * twice at one offset would share their keystream, and the two ciphertexts
   * together would give away both. tus asks only for the end (Upload-Offset
   * is the file's size); anything else is refused as an offset conflict.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (!ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    const written = await stat(path.join(this.directory, id)).then((s) => s.size, () => undefined);
    if (written === undefined) throw ERRORS.FILE_NOT_FOUND;
    if (offset !== written) throw ERRORS.INVALID_OFFSET;
    const cipher = this.cipherAt(id, offset);
    const sealing = new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, cipher.update(chunk)) });
    readable.on('error', (error) => sealing.destroy(error));
    return super.write(readable.pipe(sealing), id, offset);
  }

  /** Never served: the routes answer no GET, and this answers nothing either. */
  override read(): never {
    throw ERRORS.FILE_NOT_FOUND;
  }

  /** The whole finished upload, opened. */
  async opened(id: string): Promise<Buffer> {
    if (!ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    const file = path.join(this.directory, id);
    const size = (await stat(file)).size;
    const decipher = this.cipherAt(id, 0, true);
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      const plain = decipher.update(chunk as Buffer);
      plain.copy(out, at);
      at += plain.length;
    }
    return out;
  }

  /** Removes the upload's bytes and record (nothing if gone already). */
  async discard(id: string): Promise<void> {
    if (!ID.test(id)) return;
    await rm(path.join(this.directory, id), { force: true });
    await this.configstore.delete(id);
  }
}
