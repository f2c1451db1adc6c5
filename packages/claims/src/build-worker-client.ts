/**
 * The ingest's side of the build worker: the chunks of each file in order,
 * with errors rebuilt as they were thrown. The worker is started from the
 * compiled package (dist/): workers run JavaScript, and `npm test` builds first.
 */
import { Worker } from 'node:worker_threads';
import type { ServerKeys } from '@renkei/store';
import { UkeFormatError } from '@renkei/uke';
import type { FileChunk } from './build-batches.js';
import type { BuildWorkerData, FromWorker, SerializedError } from './build-protocol.js';

const WORKER_URL = new URL('../dist/build-worker.js', import.meta.url);

export class BuildWorker {
  private readonly worker: Worker;
  private readonly queue: FromWorker[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    files: string[],
    options: { batchSize: number; sections: ReadonlyMap<string, string>; keys: ServerKeys; ahead: number },
    private readonly onProgress?: (bytesRead: number, bytesTotal: number) => void,
  ) {
    const data: BuildWorkerData = {
      files,
      batchSize: options.batchSize,
      sections: options.sections,
      lookupKey: options.keys.lookup,
      pseudonymKey: options.keys.pseudonym,
      ahead: options.ahead,
    };
    // The worker runs compiled code: it must not inherit export conditions that point at sources (test runners set them).
    this.worker = new Worker(WORKER_URL, { workerData: data, execArgv: withoutConditions(process.execArgv) });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') {
        this.onProgress?.(message.bytesRead, message.bytesTotal);
        return;
      }
      this.queue.push(message);
      this.signal();
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.signal();
    });
  }

  /** The chunks of file `index`, up to its end; throws where the worker refused the file. */
  async *chunks(index: number): AsyncGenerator<FileChunk> {
    for (;;) {
      const message = await this.next();
      if (message.file !== index) throw new Error(`build worker out of step: file ${message.file} while reading file ${index}`);
      if (message.type === 'refused') throw deserialize(message.error);
      if (message.type !== 'chunk') continue;
      this.worker.postMessage({ type: 'taken' });
      yield message.chunk;
      if (message.chunk.type === 'end') return;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private async next(): Promise<FromWorker> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.queue.shift()!;
  }

  private signal(): void {
    this.wake?.();
    this.wake = undefined;
  }
}

function withoutConditions(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=')) kept.push(arg);
  }
  return kept;
}

function deserialize(error: SerializedError): Error {
  if (error.uke) return new UkeFormatError(error.uke.reason, { file: error.uke.file, line: error.uke.line, field: error.uke.field });
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
