/**
 * Photographs (endoscopy, dermatology, a phone photo of a film) as DICOM, so
 * that one viewer shows everything: a JPEG or PNG file wrapped as a Secondary
 * Capture image (PS3.3 A.8.1) in the patient's study. A JPEG keeps its bytes:
 * it is encapsulated as sent (JPEG Baseline, or Extended for 12-bit), never
 * re-encoded; a PNG is decoded and stored as uncompressed RGB (or monochrome),
 * explicit VR little endian. Text is UTF-8 (ISO_IR 192), for Japanese names.
 */
import dcmjs from 'dcmjs';
import { PNG } from 'pngjs';
import type { DicomJson } from './dicom-json.js';
import { DicomRefusal } from './read-instance.js';

const { DicomDict } = (dcmjs as any).data;

export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLEMENTATION_CLASS = '1.2.392.200119.9.1';

export type PhotographFormat = 'jpeg' | 'png';

/** Which photograph format these bytes are, by their signature; undefined: neither. */
export function photographFormat(bytes: Uint8Array): PhotographFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  return undefined;
}

/** The patient a photograph belongs to, as the sender entered them. */
export interface PhotographPatient {
  /** The facility's patient ID (カルテ番号). */
  patientId: string;
  /** Name in kanji (or as written), family and given names separated by a space. */
  name?: string;
  /** Name in kana. */
  kana?: string;
  /** YYYYMMDD */
  birthDate?: string;
  sex?: 'M' | 'F' | 'O';
}

export interface PhotographTarget {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  instanceNumber?: number;
  /**
   * The patient's and the study's elements as stored already (DICOM JSON), when
   * the photograph joins an existing study: they are copied, so that the study
   * stays one patient's. Otherwise `patient` says who it is.
   */
  existing?: DicomJson;
  patient?: PhotographPatient;
  studyDescription?: string;
  seriesDescription?: string;
  /** When it was taken or sent (defaults to now), written as Japan's date and time. */
  at?: Date;
}

/** The photograph as a Part 10 Secondary Capture instance; a file that is no readable JPEG or PNG is refused (DicomRefusal). */
export function wrapPhotograph(bytes: Uint8Array, target: PhotographTarget): Buffer {
  const format = photographFormat(bytes);
  if (!format) throw new DicomRefusal('not-dicom', 'neither a DICOM file nor a JPEG or PNG photograph');
  const image = format === 'jpeg' ? jpegImage(bytes) : pngImage(bytes);
  const { date, time } = japanTime(target.at ?? new Date());
  const json: DicomJson = {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080008': { vr: 'CS', Value: ['DERIVED', 'SECONDARY'] },
    '00080016': { vr: 'UI', Value: [SECONDARY_CAPTURE] },
    '00080018': { vr: 'UI', Value: [target.sopInstanceUid] },
    '00080020': { vr: 'DA', Value: [date] },
    '00080030': { vr: 'TM', Value: [time] },
    '00080021': { vr: 'DA', Value: [date] },
    '00080031': { vr: 'TM', Value: [time] },
    '00080023': { vr: 'DA', Value: [date] },
    '00080033': { vr: 'TM', Value: [time] },
    '00080050': { vr: 'SH', Value: [] },
    '00080060': { vr: 'CS', Value: ['XC'] },
    '00080064': { vr: 'CS', Value: ['DI'] },
    '00080070': { vr: 'LO', Value: ['Renkei'] },
    '00080090': { vr: 'PN', Value: [] },
    ...(target.studyDescription ? { '00081030': { vr: 'LO', Value: [target.studyDescription.slice(0, 64)] } } : {}),
    ...(target.seriesDescription ? { '0008103E': { vr: 'LO', Value: [target.seriesDescription.slice(0, 64)] } } : {}),
    ...patientElements(target.patient),
    '0020000D': { vr: 'UI', Value: [target.studyUid] },
    '0020000E': { vr: 'UI', Value: [target.seriesUid] },
    '00200010': { vr: 'SH', Value: [] },
    '00200011': { vr: 'IS', Value: [900] },
    '00200013': { vr: 'IS', Value: [target.instanceNumber ?? 1] },
    '00200020': { vr: 'CS', Value: [] },
    '00200060': { vr: 'CS', Value: [] },
    '00280002': { vr: 'US', Value: [image.samples] },
    '00280004': { vr: 'CS', Value: [image.photometric] },
    ...(image.samples > 1 ? { '00280006': { vr: 'US', Value: [0] } } : {}),
    '00280010': { vr: 'US', Value: [image.rows] },
    '00280011': { vr: 'US', Value: [image.columns] },
    '00280100': { vr: 'US', Value: [image.bits > 8 ? 16 : 8] },
    '00280101': { vr: 'US', Value: [image.bits] },
    '00280102': { vr: 'US', Value: [image.bits - 1] },
    '00280103': { vr: 'US', Value: [0] },
    '00282110': { vr: 'CS', Value: [format === 'jpeg' ? '01' : '00'] },
    ...(format === 'jpeg' ? { '00282114': { vr: 'CS', Value: ['ISO_10918_1'] } } : {}),
    '7FE00010': { vr: image.bits > 8 && format === 'png' ? 'OW' : 'OB', Value: [image.pixels] },
  };
  // An existing study's patient and study elements win over what was typed: the study stays one patient's.
  if (target.existing) for (const [tag, value] of Object.entries(target.existing)) if (value.Value?.length || !(tag in json)) json[tag] = { vr: value.vr, Value: value.Value ?? [] };
  const meta = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': { vr: 'UI', Value: [SECONDARY_CAPTURE] },
    '00020003': { vr: 'UI', Value: [target.sopInstanceUid] },
    '00020010': { vr: 'UI', Value: [image.transferSyntaxUid] },
    '00020012': { vr: 'UI', Value: [IMPLEMENTATION_CLASS] },
    '00020013': { vr: 'SH', Value: ['RENKEI'] },
  };
  const dict = new DicomDict(meta);
  dict.dict = json;
  // One fragment per frame: the JPEG's bytes stay one piece, as they came.
  return Buffer.from(dict.write({ fragmentMultiframe: false }) as ArrayBuffer);
}

interface DecodedImage {
  rows: number;
  columns: number;
  samples: number;
  bits: number;
  photometric: string;
  transferSyntaxUid: string;
  pixels: ArrayBuffer;
}

/** A JPEG's frame header (SOF), read without decoding: baseline (8-bit) or extended (12-bit) sequential only. */
function jpegImage(bytes: Uint8Array): DecodedImage {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) throw new DicomRefusal('not-dicom', 'the JPEG file is damaged (no marker where one is due)');
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    if (marker === 0xc0 || marker === 0xc1) {
      if (at + 4 + length > data.length) break;
      const bits = data[at + 4]!;
      const rows = data.readUInt16BE(at + 5);
      const columns = data.readUInt16BE(at + 7);
      const components = data[at + 9]!;
      if (rows === 0 || columns === 0 || (components !== 1 && components !== 3)) throw new DicomRefusal('unsupported', `a JPEG of ${components} components and ${columns}×${rows} pixels cannot be stored`);
      if (marker === 0xc0 && bits !== 8) throw new DicomRefusal('unsupported', `a baseline JPEG of ${bits} bits cannot be stored`);
      const subsampled = components === 3 && data[at + 11]! !== 0x11;
      const padded = data.length % 2 === 0 ? data : Buffer.concat([data, Buffer.from([0])]);
      return {
        rows,
        columns,
        samples: components,
        bits,
        photometric: components === 1 ? 'MONOCHROME2' : subsampled ? 'YBR_FULL_422' : 'YBR_FULL',
        transferSyntaxUid: marker === 0xc0 ? JPEG_BASELINE : JPEG_EXTENDED,
        pixels: padded.buffer.slice(padded.byteOffset, padded.byteOffset + padded.byteLength) as ArrayBuffer,
      };
    }
    if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new DicomRefusal('unsupported', 'a progressive or lossless JPEG cannot be stored as a photograph; save it as a baseline JPEG or a PNG');
    }
    at += 2 + length;
  }
  throw new DicomRefusal('truncated', 'the JPEG file ends before its frame header');
}

/** A PNG decoded: RGB without alpha (transparent parts over white), or monochrome for a grey image. */
function pngImage(bytes: Uint8Array): DecodedImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new DicomRefusal('truncated', `the PNG file cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const { width, height, data } = png;
  const grey = (png as unknown as { color?: boolean }).color === false;
  const samples = grey ? 1 : 3;
  const pixels = Buffer.alloc(width * height * samples + ((width * height * samples) % 2));
  for (let i = 0, o = 0; i < width * height; i++) {
    const alpha = data[i * 4 + 3]! / 255;
    for (let c = 0; c < samples; c++) pixels[o++] = Math.round(data[i * 4 + c]! * alpha + 255 * (1 - alpha));
  }
  return { rows: height, columns: width, samples, bits: 8, photometric: grey ? 'MONOCHROME2' : 'RGB', transferSyntaxUid: EXPLICIT_LE, pixels: pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength) as ArrayBuffer };
}

/** The patient module from what the sender typed: name as Ideographic and kana as Phonetic (the Alphabetic group is left empty). */
function patientElements(patient: PhotographPatient | undefined): DicomJson {
  if (!patient) return { '00100010': { vr: 'PN', Value: [] }, '00100020': { vr: 'LO', Value: [] }, '00100030': { vr: 'DA', Value: [] }, '00100040': { vr: 'CS', Value: [] } };
  const pn = (text: string | undefined) => (text ?? '').trim().split(/[\s\u3000]+/).filter(Boolean).join('^');
  const ideographic = pn(patient.name);
  const phonetic = pn(patient.kana);
  return {
    '00100010': ideographic || phonetic ? { vr: 'PN', Value: [{ ...(ideographic ? { Ideographic: ideographic } : {}), ...(phonetic ? { Phonetic: phonetic } : {}) }] } : { vr: 'PN', Value: [] },
    '00100020': { vr: 'LO', Value: [patient.patientId] },
    '00100030': patient.birthDate ? { vr: 'DA', Value: [patient.birthDate] } : { vr: 'DA', Value: [] },
    '00100040': patient.sex ? { vr: 'CS', Value: [patient.sex] } : { vr: 'CS', Value: [] },
  };
}

/** Date and time in Japan (UTC+9, no daylight saving), as DICOM DA and TM. */
function japanTime(at: Date): { date: string; time: string } {
  const iso = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  return { date: iso.slice(0, 10).replaceAll('-', ''), time: iso.slice(11, 19).replaceAll(':', '') };
}
