/**
 * The ingest's side of the build worker: the chunks of each file in order,
 * with errors rebuilt as they were thrown. The worker is started from the
 * compiled package (dist/): workers run JavaScript, and `npm test` builds first.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ServerKeys } from '@renkei/store';
import { UkeFormatError } from '@renkei/uke';
import type { FileChunk } from './build-batches.js';
import type { BuildWorkerData, FromWorker, SerializedError, ToWorker } from './build-protocol.js';

const WORKER_URL = new URL('../dist/build-worker.js', import.meta.url);
// The worker keeps little alive (rows go straight into bytes): a young generation of 32 MB
// costs about 2% more collection time than one of 64 MB and saves some 25 MB of memory.
const WORKER_OLD_SPACE_MB = 128;
const WORKER_YOUNG_SPACE_MB = 32;
// What the worker keeps (its caches of keyed hashes) grows through a run: from
// V8's small starting heap, each step of growth cost a full collection (some forty
// in a run of 3 million lines, five from 64 MB; 11% less CPU for 30 MB more memory).
// The starting size has no option of its own: V8 reads it from its flags when the
// worker's heap is made.
const WORKER_INITIAL_OLD_SPACE_MB = 64;

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
    setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
    this.worker = new Worker(WORKER_URL, {
      workerData: data,
      // The worker runs compiled code and needs no flags: none of the parent's (test runners set export conditions that point at sources).
      execArgv: [],
      // A bounded heap keeps the process's memory flat however many files a run reads.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_SPACE_MB },
    });
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
    // Whatever it sent before stopping is still read; asking for more then fails instead of waiting forever.
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`the build worker stopped (exit code ${code})`);
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
      if (message.chunk.type === 'batch') this.worker.postMessage({ type: 'taken' } satisfies ToWorker);
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

function deserialize(error: SerializedError): Error {
  if (error.uke) return new UkeFormatError(error.uke.reason, { file: error.uke.file, record: error.uke.record, line: error.uke.line, field: error.uke.field });
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
