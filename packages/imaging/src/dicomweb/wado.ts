/**
 * WADO-RS (PS3.18 §10.4): instances as multipart/related application/dicom,
 * streamed from their blobs a few segments at a time (never a whole study in
 * memory); metadata from the index (computed at ingest, kept compressed),
 * with the patient's elements put back from the identity store; frames cut
 * from the blob by the offsets found at ingest.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { Db } from '@renkei/store';
import type { EncryptedBlobs } from '../blobs/encrypted-blobs.js';
import type { FrameRuns } from '../parse/read-instance.js';
import type { SearchContext } from './qido.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { pixelModuleOf } from '../decode/pixel-module.js';
import { NotRenderable, renderPng, type RenderOptions } from '../render/render.js';
import { patientElements, visibleStudy, type VisibleStudy } from './study-access.js';

export interface StoredInstanceRow {
  sopInstanceUid: string;
  seriesUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  instanceNumber: number | null;
  blobName: string;
  size: number;
  crc32: number;
  numberOfFrames: number;
  frames: FrameRuns[] | null;
}

export interface Selection {
  studyUid: string;
  seriesUid?: string | undefined;
  sopInstanceUid?: string | undefined;
}

/** The study (if the viewer may see it) and its instances in the selection, in series and instance order; undefined if none. */
export async function selectInstances(context: SearchContext, selection: Selection): Promise<{ study: VisibleStudy; instances: StoredInstanceRow[] } | undefined> {
  const study = await visibleStudy(context.stores.clinical, context.viewer, selection.studyUid, context.shared);
  if (!study) return undefined;
  const { rows } = await context.stores.clinical.query<InstanceColumns>(
    `SELECT ${INSTANCE_COLUMNS}
       FROM imaging_instances i JOIN imaging_series r ON r.series_uid = i.series_uid
      WHERE i.study_uid = $1 AND ($2::text IS NULL OR i.series_uid = $2) AND ($3::text IS NULL OR i.sop_instance_uid = $3)
      ORDER BY r.series_number NULLS LAST, r.series_uid, i.instance_number NULLS LAST, i.sop_instance_uid`,
    [selection.studyUid, selection.seriesUid ?? null, selection.sopInstanceUid ?? null],
  );
  if (rows.length === 0) return undefined;
  return { study, instances: rows.map(storedInstanceRow) };
}

/** One instance as the index knows it, whoever stored it: for the store's own work, behind a caller that checked access. */
export async function storedInstance(db: Db, sopInstanceUid: string): Promise<StoredInstanceRow | undefined> {
  const { rows } = await db.query<InstanceColumns>(`SELECT ${INSTANCE_COLUMNS} FROM imaging_instances i WHERE i.sop_instance_uid = $1`, [sopInstanceUid]);
  return rows[0] && storedInstanceRow(rows[0]);
}

const INSTANCE_COLUMNS = 'i.sop_instance_uid, i.series_uid, i.sop_class_uid, i.transfer_syntax_uid, i.instance_number, i.blob_name, i.size, i.crc32, i.number_of_frames, i.frames';

interface InstanceColumns {
  sop_instance_uid: string;
  series_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  instance_number: number | null;
  blob_name: string;
  size: string;
  crc32: string;
  number_of_frames: number;
  frames: FrameRuns[] | null;
}

const storedInstanceRow = (r: InstanceColumns): StoredInstanceRow => ({
  sopInstanceUid: r.sop_instance_uid,
  seriesUid: r.series_uid,
  sopClassUid: r.sop_class_uid,
  transferSyntaxUid: r.transfer_syntax_uid,
  instanceNumber: r.instance_number,
  blobName: r.blob_name,
  size: Number(r.size),
  crc32: Number(r.crc32),
  numberOfFrames: r.number_of_frames,
  frames: r.frames,
});

/** A multipart boundary that no content will contain by chance. */
export function newBoundary(): string {
  return `renkei-${randomBytes(12).toString('hex')}`;
}

/** The instances as one multipart/related body, each part streamed from its blob; its length is known before it is sent. */
export function multipartInstances(blobs: EncryptedBlobs, instances: readonly StoredInstanceRow[], boundary: string): { length: number; body: Readable } {
  const header = (instance: StoredInstanceRow) => Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/dicom; transfer-syntax=${instance.transferSyntaxUid}\r\nContent-Length: ${instance.size}\r\n\r\n`);
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = instances.reduce((sum, instance) => sum + header(instance).length + instance.size, closing.length);
  function* ranges() {
    for (const instance of instances) {
      yield header(instance);
      yield { name: instance.blobName, start: 0, end: instance.size, length: instance.size };
    }
    yield closing;
  }
  return { length, body: Readable.from(blobs.inOrder(ranges()), { objectMode: false, highWaterMark: 4 * 1024 * 1024 }) };
}

/** The selection's metadata: a JSON array of the instances' DICOM JSON with the patient's elements; undefined if none. */
export async function metadataOf(context: SearchContext, selection: Selection): Promise<string | undefined> {
  const study = await visibleStudy(context.stores.clinical, context.viewer, selection.studyUid, context.shared);
  if (!study) return undefined;
  const { rows } = await context.stores.clinical.query<{ metadata_gz: Uint8Array }>(
    `SELECT metadata_gz FROM imaging_instances
      WHERE study_uid = $1 AND ($2::text IS NULL OR series_uid = $2) AND ($3::text IS NULL OR sop_instance_uid = $3)
      ORDER BY series_uid, instance_number NULLS LAST, sop_instance_uid`,
    [selection.studyUid, selection.seriesUid ?? null, selection.sopInstanceUid ?? null],
  );
  if (rows.length === 0) return undefined;
  const patient = (await patientElements(context.stores.identity, context.keys, [study.pseudonym])).get(study.pseudonym) ?? {};
  // The patient's elements, as JSON members, go in front of each instance's own (which begin with "{").
  const members = Object.entries(patient)
    .map(([tag, value]) => `${JSON.stringify(tag)}:${JSON.stringify(value)}`)
    .join(',');
  const parts = rows.map((row) => {
    const json = gunzipSync(row.metadata_gz).toString('utf8');
    return members === '' ? json : json === '{}' ? `{${members}}` : `{${members},${json.slice(1)}`;
  });
  return `[${parts.join(',')}]`;
}

/** Frame bytes for the frame numbers (1-based), as stored; undefined if a number is out of range. */
export async function frameBytes(blobs: EncryptedBlobs, instance: StoredInstanceRow, numbers: readonly number[]): Promise<Buffer[] | undefined> {
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > instance.numberOfFrames)) return undefined;
  if (instance.frames) {
    return Promise.all(numbers.map(async (n) => Buffer.concat(await Promise.all(instance.frames![n - 1]!.map(([offset, length]) => blobs.read(instance.blobName, offset, offset + length))))));
  }
  return framesOfDataSet(await wholeDataSet(blobs, instance), instance, numbers);
}

/** Deflated files (or frames that could not be told apart at ingest): the instance read again, whole. */
async function wholeDataSet(blobs: EncryptedBlobs, instance: StoredInstanceRow): Promise<dicomParser.DataSet> {
  const whole = await blobs.read(instance.blobName);
  return dicomParser.parseDicom(whole, { inflater: (bytes: Uint8Array, position: number) => inflated(bytes, position) } as never);
}

function framesOfDataSet(dataSet: dicomParser.DataSet, instance: StoredInstanceRow, numbers: readonly number[]): Buffer[] | undefined {
  const pixels = dataSet.elements.x7fe00010;
  if (!pixels) return undefined;
  if (pixels.encapsulatedPixelData) {
    return numbers.map((n) => Buffer.from(dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, n - 1, instance.numberOfFrames === 1 ? pixels.fragments!.length : 1)));
  }
  const size = pixels.length / instance.numberOfFrames;
  return numbers.map((n) => Buffer.from(dataSet.byteArray.subarray(pixels.dataOffset + (n - 1) * size, pixels.dataOffset + n * size)));
}

function inflated(bytes: Uint8Array, position: number): Uint8Array {
  const body = inflateRawSync(bytes.subarray(position));
  const whole = new Uint8Array(position + body.length);
  whole.set(bytes.subarray(0, position), 0);
  whole.set(body, position);
  return whole;
}

/** The media type a frame of this transfer syntax is sent as (PS3.18 Table 8.7.3-2). */
export function frameMediaType(transferSyntaxUid: string): string {
  if (/^1\.2\.840\.10008\.1\.2\.4\.(50|51|57|70)$/.test(transferSyntaxUid)) return 'image/jpeg';
  if (/^1\.2\.840\.10008\.1\.2\.4\.(80|81)$/.test(transferSyntaxUid)) return 'image/jls';
  if (/^1\.2\.840\.10008\.1\.2\.4\.(90|91)$/.test(transferSyntaxUid)) return 'image/jp2';
  if (transferSyntaxUid === '1.2.840.10008.1.2.5') return 'image/dicom-rle';
  return 'application/octet-stream';
}

/** Frames as one multipart/related body. */
export function multipartFrames(frames: readonly Buffer[], transferSyntaxUid: string, boundary: string): Buffer {
  const type = frameMediaType(transferSyntaxUid);
  const parts: Buffer[] = [];
  for (const frame of frames) {
    parts.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}; transfer-syntax=${transferSyntaxUid}\r\nContent-Length: ${frame.length}\r\n\r\n`), frame);
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/**
 * A frame (1-based) of the instance rendered as PNG (PS3.18 §10.4); undefined
 * if the frame number is out of range; NotRenderable if it cannot be rendered.
 * Only the elements before the pixel data and the frame's own bytes are read
 * (by the offsets found at ingest); a compressed frame is decoded first.
 */
export async function renderedFrame(blobs: EncryptedBlobs, instance: StoredInstanceRow, frame: number, options: RenderOptions): Promise<Buffer | undefined> {
  if (!Number.isInteger(frame) || frame < 1 || frame > instance.numberOfFrames) return undefined;
  let header: dicomParser.DataSet;
  let encoded: Buffer | undefined;
  if (instance.frames) {
    header = await headerDataSet(blobs, instance, instance.frames);
    [encoded] = (await frameBytes(blobs, instance, [frame]))!;
  } else {
    header = await wholeDataSet(blobs, instance);
    [encoded] = framesOfDataSet(header, instance, [frame]) ?? [];
  }
  if (!header.elements.x7fe00010 || !encoded) throw new NotRenderable('no pixel data');
  const module = pixelModuleOf(header, instance.transferSyntaxUid);
  const native = await decodeFrame(instance.transferSyntaxUid, encoded, module);
  return renderPng(native.module, native.pixels, options).png;
}

/** The data set up to the pixel data element's header: the file's bytes before its first frame. */
async function headerDataSet(blobs: EncryptedBlobs, instance: StoredInstanceRow, frames: FrameRuns[]): Promise<dicomParser.DataSet> {
  // Frames and their fragments are in file order: the first fragment of the first frame comes first.
  const bytes = await blobs.read(instance.blobName, 0, frames[0]![0]![0]);
  try {
    return dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    // Pixel data under another tag (float, double float) leaves the parser running off the end.
    throw new NotRenderable('no pixel data (7FE0,0010)');
  }
}
