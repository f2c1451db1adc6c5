/**
 * Blobs as files under the data directory: `images/ab/cd/<name>`. A put
 * writes a temporary file, fsyncs it, renames it into place and fsyncs the
 * folder, so a crash leaves either the whole blob or none (and a temporary
 * file, which `sweepUnfinished` removes).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

const NAME = /^[0-9a-f]{64}$/;
const TEMPORARY = 'tmp';

export class FileBlobStore implements BlobStore {
  private readonly made = new Set<string>();

  constructor(readonly root: string) {}

  private pathOf(name: string): string {
    if (!NAME.test(name)) throw new Error(`not a blob name: ${name}`);
    return path.join(this.root, name.slice(0, 2), name.slice(2, 4), name);
  }

  private async folder(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  async put(name: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const target = this.pathOf(name);
    const temporaryDir = path.join(this.root, TEMPORARY);
    await Promise.all([this.folder(temporaryDir), this.folder(path.dirname(target))]);
    const temporary = path.join(temporaryDir, `${name}.${randomBytes(6).toString('hex')}`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      const parts = bytes instanceof Uint8Array ? [bytes] : bytes;
      await file.writev(parts as Uint8Array[]);
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await file.close();
    await rename(temporary, target);
    await syncFolder(path.dirname(target));
  }

  async size(name: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(name))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async read(name: string, start: number, end: number): Promise<Buffer> {
    const file = await open(this.pathOf(name), 'r');
    try {
      const buffer = Buffer.allocUnsafe(end - start);
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await file.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) throw new Error(`blob ${name} is shorter than expected`);
        done += bytesRead;
      }
      return buffer;
    } finally {
      await file.close();
    }
  }

  stream(name: string, start: number, end: number): Readable {
    return createReadStream(this.pathOf(name), { start, end: end - 1, highWaterMark: 1024 * 1024 });
  }

  async delete(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  async *names(): AsyncIterable<string> {
    let top: string[];
    try {
      top = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const a of top.filter((d) => /^[0-9a-f]{2}$/.test(d))) {
      for (const b of await readdir(path.join(this.root, a))) {
        for await (const entry of await opendir(path.join(this.root, a, b))) if (NAME.test(entry.name)) yield entry.name;
      }
    }
  }

  async sweepUnfinished(olderThan: Date): Promise<number> {
    let files: string[];
    try {
      files = await readdir(path.join(this.root, TEMPORARY));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const file of files) {
      const full = path.join(this.root, TEMPORARY, file);
      const info = await stat(full).catch(() => undefined);
      // Another process may be writing a younger one right now.
      if (!info || info.mtime >= olderThan) continue;
      await rm(full, { force: true });
      removed++;
    }
    return removed;
  }
}

/** The rename is durable only once the folder that holds the new name is synced. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
