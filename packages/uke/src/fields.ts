/**
 * Reading one field of one record by its layout entry: trimmed, normalized and
 * checked against its type. Every refusal names the line and the field.
 */
import { parseUkeDate, parseUkeMonth } from './dates.js';
import { UkeFormatError } from './errors.js';
import type { FieldSpec } from './layouts.js';

export interface RecordContext {
  readonly file: string | undefined;
  line: number;
  fields: readonly string[];
}

const NON_ASCII = /[^\x00-\x7f]/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

function raw(ctx: RecordContext, spec: FieldSpec): string {
  // Short rows are padded: a missing trailing field is an empty one.
  const value = (ctx.fields[spec.index] ?? '').trim();
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
  const value = raw(ctx, spec);
  if (NON_ASCII.test(value)) return value.normalize('NFKC').replace(/\s+/g, '');
  return value.includes(' ') ? value.replace(/ +/g, '') : value;
}

export function readInteger(ctx: RecordContext, spec: FieldSpec): number | null {
  const value = readCode(ctx, spec);
  if (value === '') return null;
  if (!INTEGER.test(value)) fail(ctx, spec, `${shown(spec, value)} is not a whole number`);
  return Number(value);
}

export function readDecimal(ctx: RecordContext, spec: FieldSpec): number | null {
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
