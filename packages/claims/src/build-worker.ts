/**
 * The build worker: reads, parses and turns claims files into COPY rows on a
 * core of its own, file after file, while the ingest writes to the database.
 * It sends at most `ahead` batches that the ingest has not taken yet, so memory
 * stays flat however large the files. A file's header and end are small and
 * cost no credit: the next file can start while the ingest closes this one.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { IdentityCache, ObservationFilter } from '@renkei/identity/hashing';
import type { ServerKeys } from '@renkei/store';
import { parseClaimFile, UkeFormatError } from '@renkei/uke';
import { buildBatches } from './build-batches.js';
import type { BuildWorkerData, FromWorker, SerializedError } from './build-protocol.js';

const data = workerData as BuildWorkerData;
const port = parentPort!;
// Only the keys that derive keyed hashes and pseudonyms cross to the worker.
const keys = { lookup: Buffer.from(data.lookupKey), pseudonym: Buffer.from(data.pseudonymKey) } as ServerKeys;
const cache = new IdentityCache(keys);
const filter = new ObservationFilter();
const sectionOf = (code: string) => data.sections.get(code);

let credits = data.ahead;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
  wake = undefined;
});

const send = (message: FromWorker) => port.postMessage(message);

for (const [index, filePath] of data.files.entries()) {
  const fileName = path.basename(filePath);
  try {
    const { size } = await stat(filePath);
    const items = parseClaimFile(readWithProgress(filePath, size, index), { fileName });
    for await (const chunk of buildBatches(items, { cache, filter, sectionOf, batchSize: data.batchSize, fileName })) {
      if (chunk.type !== 'batch') {
        send({ type: 'chunk', file: index, chunk });
        continue;
      }
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      // The row bytes are handed over, not copied.
      port.postMessage({ type: 'chunk', file: index, chunk } satisfies FromWorker, [chunk.receiptRows.buffer, chunk.eventRows.buffer] as ArrayBuffer[]);
    }
  } catch (error) {
    send({ type: 'refused', file: index, error: serialize(error) });
    break;
  }
}

async function* readWithProgress(filePath: string, size: number, file: number): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 256 * 1024 })) {
    bytesRead += (chunk as Buffer).length;
    send({ type: 'progress', file, bytesRead, bytesTotal: size });
    yield chunk as Buffer;
  }
}

function serialize(error: unknown): SerializedError {
  if (error instanceof UkeFormatError) {
    return { name: error.name, message: error.message, uke: { reason: error.reason, file: error.file, record: error.record, line: error.line, field: error.field } };
  }
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
