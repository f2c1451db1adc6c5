/**
 * A study sent back to a facility's PACS by C-STORE (the gateway as SCU,
 * dcmjs-dimse's client): each instance's data set goes as it is stored,
 * byte for byte, in its own transfer syntax (the File Meta group is the
 * association's business, not the data set's). Only if the PACS accepts the
 * instance's SOP class in another uncompressed transfer syntax is it
 * re-encoded by the library. Instances go a batch at a time, one association
 * each, so that a large study is never all in memory.
 */
import dimse from 'dcmjs-dimse';
import type { EncryptedBlobs } from '../blobs/encrypted-blobs.js';
import type { StoredInstanceRow } from '../dicomweb/wado.js';
import { GATEWAY_AE_TITLE } from './cstore-gateway.js';

const { Client, Dataset, requests, constants } = dimse;
const { CStoreRequest } = requests;
const { Status } = constants;

/** One association carries at most this many bytes of instances (read into memory before it opens). */
const BATCH_BYTES = 128 * 1024 * 1024;
const BATCH_INSTANCES = 200;

export interface ExportTarget {
  aeTitle: string;
  host: string;
  port: number;
}

export interface ExportedInstance {
  sopInstanceUid: string;
  seriesUid: string;
  /** The C-STORE response status (0: success; 0xB000-range warnings count as stored); -1: no response (refused association, network failure). */
  status: number;
  ok: boolean;
  comment?: string;
}

/** The data set of a Part 10 file: what follows the preamble, "DICM" and the File Meta group. */
export function dataSetOf(part10: Buffer): Buffer {
  if (part10.length < 144 || part10.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a Part 10 file');
  let at = 132;
  // Every File Meta element is explicit VR little endian, group 0002.
  while (at + 8 <= part10.length && part10.readUInt16LE(at) === 0x0002) {
    const vr = part10.toString('latin1', at + 4, at + 6);
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) at += 12 + part10.readUInt32LE(at + 8);
    else at += 8 + part10.readUInt16LE(at + 6);
  }
  return part10.subarray(at);
}

/** A data set the client sends as the bytes it was stored as (and parses only if it must re-encode them). */
function storedDataset(bytes: Buffer, instance: StoredInstanceRow): InstanceType<typeof Dataset> {
  const dataset = new Dataset({ SOPClassUID: instance.sopClassUid, SOPInstanceUID: instance.sopInstanceUid }, instance.transferSyntaxUid);
  let parsed: InstanceType<typeof Dataset> | undefined;
  const full = () => (parsed ??= new Dataset(bytes, instance.transferSyntaxUid));
  Object.assign(dataset, {
    getDenaturalizedDataset: (...args: unknown[]) => (dataset.getTransferSyntaxUid() === instance.transferSyntaxUid ? bytes : (full().getDenaturalizedDataset as (...a: unknown[]) => Buffer)(...args)),
    getElements: () => full().getElements(),
  });
  return dataset;
}

/** Sends `instances` to `target`, answering each one's outcome in order. */
export async function exportInstances(blobs: EncryptedBlobs, instances: readonly StoredInstanceRow[], target: ExportTarget, options: { timeoutMs?: number; log?: (message: string) => void } = {}): Promise<ExportedInstance[]> {
  // The library's own log would name every association; as the gateway does, only its warnings and errors (host and port, no patient).
  const log = (dimse as unknown as { log: { getLevel(): number; setLevel(level: string): void } }).log;
  if (log.getLevel() < 3) log.setLevel('warn');
  const results: ExportedInstance[] = [];
  let batch: StoredInstanceRow[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length > 0) results.push(...(await sendBatch(blobs, batch, target, options)));
    batch = [];
    bytes = 0;
  };
  for (const instance of instances) {
    if (batch.length > 0 && (bytes + instance.size > BATCH_BYTES || batch.length >= BATCH_INSTANCES)) await flush();
    batch.push(instance);
    bytes += instance.size;
  }
  await flush();
  return results;
}

async function sendBatch(blobs: EncryptedBlobs, batch: readonly StoredInstanceRow[], target: ExportTarget, options: { timeoutMs?: number; log?: (message: string) => void }): Promise<ExportedInstance[]> {
  const outcomes = new Map<string, ExportedInstance>();
  const client = new Client();
  for (const instance of batch) {
    const dataset = storedDataset(dataSetOf(await blobs.read(instance.blobName)), instance);
    const request = new CStoreRequest(dataset);
    request.on('response', (response: { getStatus(): number; getErrorComment?(): string | undefined }) => {
      const status = response.getStatus();
      const comment = response.getErrorComment?.();
      // Success, or a warning (coercion, elements discarded): the PACS kept it.
      const ok = status === Status.Success || (status & 0xf000) === 0xb000;
      outcomes.set(instance.sopInstanceUid, { sopInstanceUid: instance.sopInstanceUid, seriesUid: instance.seriesUid, status, ok, ...(comment ? { comment: comment.slice(0, 64) } : {}) });
    });
    client.addRequest(request);
  }
  let failure: string | undefined;
  await new Promise<void>((resolve) => {
    const timeout = options.timeoutMs ?? 30_000;
    client.on('associationRejected', () => {
      failure = 'association rejected';
    });
    client.on('networkError', (error: Error) => {
      failure = `network error: ${error.message}`;
      resolve();
    });
    client.on('closed', () => resolve());
    client.send(target.host, target.port, GATEWAY_AE_TITLE, target.aeTitle, { connectTimeout: timeout, associationTimeout: timeout, pduTimeout: timeout });
  });
  if (failure) options.log?.(`export to ${target.aeTitle} at ${target.host}:${target.port}: ${failure}`);
  return batch.map(
    (instance) =>
      outcomes.get(instance.sopInstanceUid) ?? { sopInstanceUid: instance.sopInstanceUid, seriesUid: instance.seriesUid, status: -1, ok: false, comment: (failure ?? 'not sent (no presentation context accepted)').slice(0, 64) },
  );
}
