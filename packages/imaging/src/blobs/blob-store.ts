/**
 * Where image blobs lie: the data directory's file system by default, an
 * object store behind the same interface on a larger network. A store keeps
 * opaque bytes under a name; encryption is the layer above (`EncryptedBlobs`),
 * so no store ever sees a plaintext byte or a key.
 */
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Writes `bytes` under `name` durably and atomically: after it resolves a crash keeps it whole; before, there is nothing under `name`. */
  put(name: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** The stored size, or undefined if there is nothing under `name`. */
  size(name: string): Promise<number | undefined>;
  /** Bytes [start, end) of what is stored under `name`. */
  read(name: string, start: number, end: number): Promise<Buffer>;
  /** The bytes [start, end) as a stream, in chunks. */
  stream(name: string, start: number, end: number): Readable;
  /** Removes `name` (nothing if absent). */
  delete(name: string): Promise<void>;
  /** Every stored name: for recovery after a crash. */
  names(): AsyncIterable<string>;
  /** Removes what `put`s interrupted before `olderThan` left (temporary files). */
  sweepUnfinished(olderThan: Date): Promise<number>;
}
