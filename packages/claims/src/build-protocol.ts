/** Messages between an ingest and its build worker (see build-worker.ts). */
import type { FileChunk } from './build-batches.js';

export interface BuildWorkerData {
  files: string[];
  batchSize: number;
  /** 診療行為 code → alphabet part of its 区分, from the masters. */
  sections: ReadonlyMap<string, string>;
  /** The server's lookup and pseudonym keys: a card's pseudonym is computed where it is read. */
  lookupKey: Uint8Array;
  pseudonymKey: Uint8Array;
  /** Batches the worker may send before the ingest has taken them (headers and ends are not counted). */
  ahead: number;
}

export type ToWorker = { type: 'taken' };

export type FromWorker =
  | { type: 'chunk'; file: number; chunk: FileChunk }
  | { type: 'progress'; file: number; bytesRead: number; bytesTotal: number }
  | { type: 'refused'; file: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  /** For UkeFormatError: what it needs to be rebuilt as one. */
  uke?: { reason: string; file: string | undefined; record: string | undefined; line: number; field: string | undefined };
}
