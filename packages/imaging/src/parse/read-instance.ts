/**
 * One DICOM Part 10 instance, read and checked before anything is stored:
 * its UIDs, the attributes the index searches, the patient's identifiers
 * (kept apart: they go to the identity store only), where each frame lies in
 * the file, and its DICOM JSON without the patient's identifiers.
 */
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { UnsupportedCharacterSet } from './character-set.js';
import { datasetToJson, firstString, type DicomJson } from './dicom-json.js';

/** Why an instance is refused; `reason` is the STOW-RS failure reason (PS3.18 Table I.2-1; 0xC000 "cannot understand"). */
export class DicomRefusal extends Error {
  constructor(
    readonly code: 'not-dicom' | 'truncated' | 'missing-uid' | 'unsupported' | 'conflict' | 'wrong-content-type' | 'too-large',
    message: string,
    readonly reason: number = code === 'conflict' ? 0xa770 : code === 'too-large' ? 0xa700 : 0xc000,
  ) {
    super(message);
  }
}

/** Where a frame's bytes lie in the file: one or more [offset, length] runs (fragments of encapsulated pixel data). */
export type FrameRuns = Array<[number, number]>;

export interface PatientIdentifiers {
  /** Patient ID (0010,0020), as the sending facility issued it. */
  patientId: string;
  /** Patient's Name (0010,0010) in DICOM JSON form (Alphabetic, Ideographic, Phonetic), or null. */
  name: Record<string, string> | null;
  /** Patient's Birth Date (0010,0030), YYYYMMDD, or null. */
  birthDate: string | null;
  /** Every identifying element of the header, in DICOM JSON, to put back when the metadata is served. */
  elements: DicomJson;
}

export interface ParsedInstance {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  patient: PatientIdentifiers;
  instanceNumber: number | null;
  numberOfFrames: number;
  /** Each frame's runs in the file; null where the file's bytes are not the dataset's (deflated) or frames cannot be told apart. */
  frames: FrameRuns[] | null;
  /** DICOM JSON of the whole dataset (File Meta excluded), without the patient's identifiers. */
  metadata: DicomJson;
}

/**
 * The elements that identify the patient: stored encrypted in the identity
 * store, never in the clinical store's index or metadata.
 */
export const PATIENT_IDENTIFIER_TAGS: ReadonlySet<string> = new Set([
  '00100010', // Patient's Name
  '00100020', // Patient ID
  '00100021', // Issuer of Patient ID
  '00100030', // Patient's Birth Date
  '00100032', // Patient's Birth Time
  '00100050', // Patient's Insurance Plan Code Sequence
  '00101000', // Other Patient IDs
  '00101001', // Other Patient Names
  '00101002', // Other Patient IDs Sequence
  '00101005', // Patient's Birth Name
  '00101040', // Patient's Address
  '00101060', // Patient's Mother's Birth Name
  '00101090', // Medical Record Locator
  '00102154', // Patient's Telephone Numbers
  '00102155', // Patient's Telecom Information
  '00380010', // Admission ID
]);

const DEFLATED = '1.2.840.10008.1.2.1.99';
const UID = /^[0-9]+(\.[0-9]+)*$/;

/** Reads `bytes` as a Part 10 file; a file that cannot be stored is refused with its reason. */
export function readInstance(bytes: Uint8Array, bulkDataBase: (uids: { studyUid: string; seriesUid: string; sopInstanceUid: string }) => string): ParsedInstance {
  if (bytes.length < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) {
    throw new DicomRefusal('not-dicom', 'not a DICOM Part 10 file (no "DICM" at byte 128)');
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    const message = typeof error === 'string' ? error : error instanceof Error ? error.message : String((error as { exception?: unknown }).exception ?? error);
    throw new DicomRefusal(/overrun|overread|end of|beyond/i.test(message) ? 'truncated' : 'not-dicom', `the file cannot be read: ${message}`);
  }
  const transferSyntaxUid = dataSet.string('x00020010')?.trim() ?? '';
  const studyUid = uid(dataSet, 'x0020000d', 'Study Instance UID');
  const seriesUid = uid(dataSet, 'x0020000e', 'Series Instance UID');
  const sopInstanceUid = uid(dataSet, 'x00080018', 'SOP Instance UID');
  const sopClassUid = uid(dataSet, 'x00080016', 'SOP Class UID');
  if (!transferSyntaxUid) throw new DicomRefusal('missing-uid', 'the file has no Transfer Syntax UID (0002,0010)');
  const numberOfFrames = Math.max(1, Number(dataSet.string('x00280008') ?? '1') || 1);
  const frames = transferSyntaxUid === DEFLATED ? null : frameRuns(dataSet, numberOfFrames);
  let full: DicomJson;
  try {
    full = datasetToJson(dataSet, { bulkDataBase: bulkDataBase({ studyUid, seriesUid, sopInstanceUid }) });
  } catch (error) {
    if (error instanceof UnsupportedCharacterSet) throw new DicomRefusal('unsupported', error.message);
    throw new DicomRefusal('not-dicom', `the file cannot be read: ${(error as Error).message}`);
  }
  const metadata: DicomJson = {};
  const identifying: DicomJson = {};
  for (const [tag, value] of Object.entries(full)) (PATIENT_IDENTIFIER_TAGS.has(tag) ? identifying : metadata)[tag] = value;
  // The JSON's text is Unicode, whatever the file's character set was.
  if (metadata['00080005']) metadata['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  const name = identifying['00100010']?.Value?.[0];
  return {
    studyUid,
    seriesUid,
    sopInstanceUid,
    sopClassUid,
    transferSyntaxUid,
    patient: {
      patientId: firstString(identifying, '00100020') ?? '',
      name: name && typeof name === 'object' ? (name as Record<string, string>) : null,
      birthDate: firstString(identifying, '00100030'),
      elements: identifying,
    },
    instanceNumber: numberOr(firstString(metadata, '00200013')),
    numberOfFrames,
    frames,
    metadata,
  };
}

function uid(dataSet: DataSet, tag: string, name: string): string {
  const value = dataSet.string(tag)?.replace(/\u0000/g, '').trim();
  if (!value) throw new DicomRefusal('missing-uid', `the file has no ${name} (${tag.slice(1, 5)},${tag.slice(5)})`);
  if (!UID.test(value) || value.length > 64) throw new DicomRefusal('missing-uid', `the ${name} "${value.slice(0, 70)}" is not a UID`);
  return value;
}

function numberOr(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * Frames as byte runs: native pixel data cut into equal frames (a short
 * element is a truncated file); encapsulated pixel data by fragments, grouped
 * per frame by the Basic Offset Table or one fragment per frame.
 */
function frameRuns(dataSet: DataSet, numberOfFrames: number): FrameRuns[] | null {
  const pixels: Element | undefined = dataSet.elements.x7fe00010 ?? dataSet.elements.x7fe00008 ?? dataSet.elements.x7fe00009;
  if (!pixels) return null;
  if (pixels.encapsulatedPixelData) {
    const fragments = pixels.fragments ?? [];
    if (fragments.length === 0) throw new DicomRefusal('truncated', 'the encapsulated pixel data has no fragments');
    const last = fragments[fragments.length - 1]!;
    if (last.position + last.length > dataSet.byteArray.length) throw new DicomRefusal('truncated', 'the file ends inside its pixel data');
    if (numberOfFrames === 1) return [fragments.map((f) => [f.position, f.length])];
    if (fragments.length === numberOfFrames) return fragments.map((f) => [[f.position, f.length]]);
    const table = pixels.basicOffsetTable ?? [];
    if (table.length !== numberOfFrames) return null;
    return table.map((start, i) => {
      const end = table[i + 1] ?? Number.POSITIVE_INFINITY;
      return fragments.filter((f) => f.offset >= start && f.offset < end).map((f): [number, number] => [f.position, f.length]);
    });
  }
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  const frameBytes = (rows * columns * samples * bitsAllocated) / 8;
  if (pixels.dataOffset + pixels.length > dataSet.byteArray.length) throw new DicomRefusal('truncated', 'the file ends inside its pixel data');
  if (!Number.isInteger(frameBytes) || frameBytes === 0) return null;
  if (pixels.length < frameBytes * numberOfFrames) {
    throw new DicomRefusal('truncated', `the pixel data holds ${pixels.length} bytes, ${frameBytes * numberOfFrames} expected for ${numberOfFrames} frame(s) of ${rows}×${columns}`);
  }
  return Array.from({ length: numberOfFrames }, (_, i): FrameRuns => [[pixels.dataOffset + i * frameBytes, frameBytes]]);
}
