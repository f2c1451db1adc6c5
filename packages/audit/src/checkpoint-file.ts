import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { checkpointLine, type AuditCheckpoint } from './checkpoint.js';

/** The checkpoint file of a data directory. */
export function auditCheckpointFile(dataDir: string): string {
  return path.join(dataDir, 'audit', 'checkpoints.log');
}

/** How checkpoints name the file they were written to: rows in the identity store that name this file must be in it. */
export function checkpointLogName(file: string): string {
  return `${hostname()}:${path.resolve(file)}`;
}

/**
 * The checkpoint file, opened for appending only (O_APPEND: several processes on
 * one data directory append whole lines without overwriting each other), owner-only.
 */
export class CheckpointFile {
  private constructor(private readonly handle: FileHandle) {}

  static async open(file: string): Promise<CheckpointFile> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const existed = await stat(file).then(
      () => true,
      () => false,
    );
    const handle = await open(file, 'a+', 0o600);
    try {
      await chmod(file, 0o600);
      const { size } = await handle.stat();
      if (size > 0) {
        // A line torn by a crash stays a line of its own (and fails verification) rather than spoiling the next.
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write('\n');
      }
      if (!existed) await syncDirectory(path.dirname(file));
      return new CheckpointFile(handle);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends one line in one write and waits until it is on disk. */
  async append(checkpoint: AuditCheckpoint): Promise<void> {
    await this.handle.write(checkpointLine(checkpoint));
    await this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** The new file's directory entry must reach the disk too, or a crash can lose the whole file. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file's size now (0 if there is none): a verification reads no further, whatever is appended meanwhile. */
export async function checkpointFileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** The complete lines of the file's first `size` bytes, numbered from 1; a last line without its newline is still being written. */
export async function* readCheckpointLines(file: string, size: number): AsyncGenerator<{ line: number; text: string }> {
  if (size === 0) return;
  let rest = '';
  let line = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', start: 0, end: size - 1 })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const text of parts) yield { line: ++line, text };
  }
}
