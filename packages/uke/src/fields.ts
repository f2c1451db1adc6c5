/**
 * Reading one field of one record by its layout entry: trimmed, normalized and
 * checked against its type. Every refusal names the line and the field.
 */
import { parseUkeDate, parseUkeMonth } from './dates.js';
import { UkeFormatError } from './errors.js';
import type { FieldSpec } from './layouts.js';

/**
 * The line being read, with where each of its comma-separated fields ends.
 * Fields are found as far as a reader asks for them, and cut out of the line
 * only when needed: most of a record's fields are never needed as strings,
 * and some records (JD) are not read at all.
 */
export class RecordContext {
  line = 0;
  private text = '';
  /** ends[i] is the index of the comma that closes field i (or the line's length). */
  private ends: Int32Array = new Int32Array(64);
  /** Fields found so far; the search goes on from `scanned`. */
  private count = 0;
  private scanned = 0;
  /** Leading fields that are not part of the record (the 履歴管理 columns). */
  private skipped = 0;

  constructor(readonly file: string | undefined) {}

  /** Takes the next line; `skipped` leading fields are left out of the record. */
  read(line: number, text: string, skipped: number): void {
    this.line = line;
    this.text = text;
    this.skipped = skipped;
    this.count = 0;
    this.scanned = 0;
  }

  /** Where field `index` starts in the line; -1 past the record's last field. */
  start(index: number): number {
    const i = index + this.skipped;
    if (i >= this.count && !this.find(i)) return -1;
    return i === 0 ? 0 : this.ends[i - 1]! + 1;
  }

  /** Where field `index` ends (exclusive), given that it exists. */
  end(index: number): number {
    return this.ends[index + this.skipped]!;
  }

  /** The end of the line: fields from a known start on can be walked without finding each. */
  get lineEnd(): number {
    return this.text.length;
  }

  charCodeAt(position: number): number {
    return this.text.charCodeAt(position);
  }

  /** The characters between two positions of the line. */
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** The field as written; a missing trailing field is an empty one. */
  field(index: number): string {
    const start = this.start(index);
    return start < 0 ? '' : this.text.slice(start, this.end(index));
  }

  /** The field without surrounding blanks (as String.prototype.trim takes them). */
  trimmed(index: number): string {
    let start = this.start(index);
    if (start < 0) return '';
    let end = this.end(index);
    const text = this.text;
    // Cheap for plain ASCII edges; anything else gets trim's own, wider, idea of a blank.
    while (start < end && isAsciiBlank(text.charCodeAt(start))) start++;
    while (end > start && isAsciiBlank(text.charCodeAt(end - 1))) end--;
    if (start < end && (text.charCodeAt(start) >= 0x80 || text.charCodeAt(end - 1) >= 0x80)) return text.slice(start, end).trim();
    return text.slice(start, end);
  }

  /**
   * The field when it is plain (printable ASCII without blanks, as most codes
   * are): then it reads the same trimmed, normalized or not. Undefined otherwise.
   */
  plain(index: number): string | undefined {
    const start = this.start(index);
    if (start < 0) return '';
    const end = this.end(index);
    for (let p = start; p < end; p++) {
      const code = this.text.charCodeAt(p);
      if (code <= 0x20 || code >= 0x7f) return undefined;
    }
    return this.text.slice(start, end);
  }

  /**
   * The field as a whole number when it is written plainly (digits, perhaps a
   * leading minus, short enough to be exact); NaN otherwise, empty included.
   */
  integer(index: number): number {
    const start = this.start(index);
    if (start < 0) return NaN;
    const end = this.end(index);
    const text = this.text;
    const negative = text.charCodeAt(start) === 0x2d;
    const first = negative ? start + 1 : start;
    if (end <= first || end - first > 15) return NaN;
    let n = 0;
    for (let p = first; p < end; p++) {
      const digit = text.charCodeAt(p) - 0x30;
      if (digit < 0 || digit > 9) return NaN;
      n = n * 10 + digit;
    }
    return negative ? -n : n;
  }

  /** Finds fields up to `i`; false when the line has fewer. */
  private find(i: number): boolean {
    const text = this.text;
    if (this.scanned > text.length) return false;
    let ends = this.ends;
    let count = this.count;
    let p = this.scanned;
    for (; p < text.length && count <= i; p++) {
      if (text.charCodeAt(p) !== 0x2c) continue;
      if (count === ends.length) ends = this.grow();
      ends[count++] = p;
    }
    if (count <= i && p === text.length) {
      if (count === ends.length) ends = this.grow();
      ends[count++] = p++;
    }
    this.count = count;
    this.scanned = p;
    return count > i;
  }

  private grow(): Int32Array {
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.ends = ends;
    return ends;
  }
}

/** The ASCII characters String.prototype.trim removes: tab, line breaks, vertical tab, form feed, space. */
function isAsciiBlank(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

const NON_ASCII = /[^\x00-\x7f]/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

function raw(ctx: RecordContext, spec: FieldSpec): string {
  const value = ctx.trimmed(spec.index);
  if (value === '' && spec.required) fail(ctx, spec, 'is required but empty');
  return value;
}

/** The value as an error message may show it: personal fields are withheld. */
function shown(spec: FieldSpec, value: string): string {
  return spec.personal ? '(the value is personal data and not shown)' : value;
}

export function fail(ctx: RecordContext, spec: FieldSpec | undefined, reason: string): never {
  throw new UkeFormatError(reason, { file: ctx.file, line: ctx.line, field: spec?.label });
}

/** Free text as written (names, comments). */
export function readText(ctx: RecordContext, spec: FieldSpec): string {
  return raw(ctx, spec);
}

/**
 * A code: full-width characters folded by NFKC and blanks removed, so that
 * "１２３" and "123", or a 国保 "  370015", compare equal to what a person types.
 */
export function readCode(ctx: RecordContext, spec: FieldSpec): string {
  const plain = ctx.plain(spec.index);
  if (plain !== undefined && (plain !== '' || !spec.required)) return plain;
  const value = raw(ctx, spec);
  if (NON_ASCII.test(value)) return value.normalize('NFKC').replace(/\s+/g, '');
  return value.includes(' ') ? value.replace(/ +/g, '') : value;
}

export function readInteger(ctx: RecordContext, spec: FieldSpec): number | null {
  const plain = ctx.integer(spec.index);
  if (!Number.isNaN(plain)) return plain;
  const value = readCode(ctx, spec);
  if (value === '') return null;
  if (!INTEGER.test(value)) fail(ctx, spec, `${shown(spec, value)} is not a whole number`);
  return Number(value);
}

export function readDecimal(ctx: RecordContext, spec: FieldSpec): number | null {
  const plain = ctx.integer(spec.index);
  if (!Number.isNaN(plain)) return plain;
  const value = readCode(ctx, spec);
  if (value === '') return null;
  if (!DECIMAL.test(value)) fail(ctx, spec, `${shown(spec, value)} is not a number`);
  return Number(value);
}

export function readDate(ctx: RecordContext, spec: FieldSpec): string | null {
  const value = readCode(ctx, spec);
  if (value === '') return null;
  const date = parseUkeDate(value);
  if (date === null) fail(ctx, spec, `${shown(spec, value)} is not a date (YYYYMMDD, or GYYMMDD in 和暦)`);
  return date;
}

export function readMonth(ctx: RecordContext, spec: FieldSpec): string | null {
  const value = readCode(ctx, spec);
  if (value === '') return null;
  const month = parseUkeMonth(value);
  if (month === null) fail(ctx, spec, `${shown(spec, value)} is not a year and month (YYYYMM, or GYYMM in 和暦)`);
  return month;
}
