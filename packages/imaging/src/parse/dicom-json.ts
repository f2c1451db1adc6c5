/**
 * DICOM JSON (PS3.18 Annex F) of a parsed dataset: each element as
 * `{"vr", "Value"}`, names as Alphabetic/Ideographic/Phonetic groups,
 * numbers as numbers, sequences as nested objects, and binary values as a
 * BulkDataURI (or InlineBinary when small), with the text decoded in the
 * dataset's Specific Character Set.
 */
import dcmjs from 'dcmjs';
import type { DataSet, Element } from 'dicom-parser';
import { TextDecoding } from './character-set.js';

export interface DicomJsonValue {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJson = Record<string, DicomJsonValue>;

const dictionary = (dcmjs as unknown as { data: { DicomMetaDictionary: { dictionary: Record<string, { vr: string }> } } }).data.DicomMetaDictionary.dictionary;

/** Binary values up to this size are inlined; larger ones are bulk data. */
const INLINE_LIMIT = 1024;

const TEXT_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);
const SINGLE_VALUE_TEXT = new Set(['ST', 'LT', 'UT', 'UR']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** The VR of an element: as the file says (explicit), else the dictionary's. */
export function vrOf(element: Element): string {
  if (element.vr) return element.vr;
  const tag = element.tag.slice(1).toUpperCase();
  if (tag.endsWith('0000')) return 'UL';
  const known = dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.vr;
  if (!known) return 'UN';
  if (known === 'ox' || known === 'OB or OW') return 'OW';
  if (known === 'xs' || known === 'US or SS') return 'US';
  if (known.includes(' or ')) return known.slice(0, 2);
  return known;
}

export interface JsonOptions {
  /** Where bulk data of a top-level element is retrieved: `${bulkDataBase}/${tag}`. */
  bulkDataBase: string;
  /** Tags (upper-case hex, 8 digits) left out. */
  omit?: ReadonlySet<string>;
}

/** The dataset as DICOM JSON, without the File Meta group (0002). */
export function datasetToJson(dataSet: DataSet, options: JsonOptions, inherited?: TextDecoding): DicomJson {
  const charset = dataSet.elements.x00080005;
  const decoding = charset ? new TextDecoding(splitValues(latin1(dataSet, charset))) : (inherited ?? new TextDecoding([]));
  const json: DicomJson = {};
  for (const key of Object.keys(dataSet.elements).sort()) {
    const element = dataSet.elements[key]!;
    const tag = key.slice(1).toUpperCase();
    if (tag.startsWith('0002') || tag.endsWith('0000') || options.omit?.has(tag)) continue;
    // Item delimiters and the like are structure, not attributes.
    if (tag.startsWith('FFFE')) continue;
    json[tag] = elementToJson(dataSet, element, tag, decoding, options);
  }
  return json;
}

function elementToJson(dataSet: DataSet, element: Element, tag: string, decoding: TextDecoding, options: JsonOptions): DicomJsonValue {
  const vr = vrOf(element);
  if (vr === 'SQ' || element.items) {
    const items = (element.items ?? []).map((item) => (item.dataSet ? datasetToJson(item.dataSet, { bulkDataBase: options.bulkDataBase }, decoding) : {}));
    return items.length > 0 ? { vr: 'SQ', Value: items } : { vr: 'SQ' };
  }
  if (BINARY_VRS.has(vr) || element.encapsulatedPixelData) {
    if (element.length <= 0 && !element.encapsulatedPixelData) return { vr };
    if (tag !== '7FE00010' && element.length <= INLINE_LIMIT) {
      return { vr, InlineBinary: Buffer.from(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + element.dataOffset, element.length).toString('base64') };
    }
    return { vr, BulkDataURI: `${options.bulkDataBase}/${tag}` };
  }
  if (element.length === 0) return { vr };
  const values = readValues(dataSet, element, vr, decoding);
  return values.length > 0 ? { vr, Value: values } : { vr };
}

function readValues(dataSet: DataSet, element: Element, vr: string, decoding: TextDecoding): unknown[] {
  const parser = dataSet.byteArrayParser;
  const bytes = dataSet.byteArray;
  const at = element.dataOffset;
  const numbers = <T>(size: number, read: (offset: number) => T) => Array.from({ length: Math.floor(element.length / size) }, (_, i) => read(at + i * size));
  switch (vr) {
    case 'US':
      return numbers(2, (o) => parser.readUint16(bytes, o));
    case 'SS':
      return numbers(2, (o) => parser.readInt16(bytes, o));
    case 'UL':
      return numbers(4, (o) => parser.readUint32(bytes, o));
    case 'SL':
      return numbers(4, (o) => parser.readInt32(bytes, o));
    case 'FL':
      return numbers(4, (o) => parser.readFloat(bytes, o));
    case 'FD':
      return numbers(8, (o) => parser.readDouble(bytes, o));
    case 'SV':
    case 'UV': {
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, element.length);
      const littleEndian = parser.readUint16(Uint8Array.of(1, 0), 0) === 1;
      return Array.from({ length: Math.floor(element.length / 8) }, (_, i) => Number(vr === 'SV' ? view.getBigInt64(i * 8, littleEndian) : view.getBigUint64(i * 8, littleEndian)));
    }
    case 'AT':
      return numbers(4, (o) => {
        const group = parser.readUint16(bytes, o);
        const elementNumber = parser.readUint16(bytes, o + 2);
        return `${hex4(group)}${hex4(elementNumber)}`;
      });
  }
  const raw = bytes.subarray(at, at + element.length);
  const text = TEXT_VRS.has(vr) ? decoding.decode(raw, vr === 'PN') : new TextDecoder('latin1').decode(raw);
  const parts = SINGLE_VALUE_TEXT.has(vr) ? [text] : text.split('\\');
  return parts.map((part) => valueOf(vr, part));
}

function valueOf(vr: string, part: string): unknown {
  part = part.replace(/\u0000/g, '');
  const trimmed = vr === 'UT' || vr === 'ST' || vr === 'LT' ? part.replace(/[\u0000 ]+$/, '') : part.replace(/^[ ]+|[\u0000 ]+$/g, '');
  switch (vr) {
    case 'IS':
    case 'DS': {
      if (trimmed === '') return null;
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : trimmed;
    }
    case 'PN': {
      if (trimmed === '') return null;
      const [alphabetic, ideographic, phonetic] = trimmed.split('=');
      const name: Record<string, string> = {};
      if (alphabetic) name.Alphabetic = alphabetic.replace(/\^+$/, '');
      if (ideographic) name.Ideographic = ideographic.replace(/\^+$/, '');
      if (phonetic) name.Phonetic = phonetic.replace(/\^+$/, '');
      return name;
    }
    default:
      return trimmed === '' ? null : trimmed;
  }
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function latin1(dataSet: DataSet, element: Element): string {
  return new TextDecoder('latin1').decode(dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length));
}

/** Multi-valued text split on backslash, blanks trimmed; an empty first value stays (it means the default repertoire). */
export function splitValues(text: string): string[] {
  return text.replace(/[\u0000 ]+$/, '').split('\\').map((v) => v.trim());
}

/** The first value of a top-level element as a string (its JSON form), or null. */
export function firstString(json: DicomJson, tag: string): string | null {
  const value = json[tag]?.Value?.[0];
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
