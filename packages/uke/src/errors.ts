/** Where in a claims file something is wrong. */
export interface UkeErrorLocation {
  file?: string | undefined;
  /** The record, where the line alone does not say enough (GO line 432). */
  record?: string | undefined;
  line: number;
  /** The field's name as the specification gives it (e.g. 生年月日), when one field is at fault. */
  field?: string | undefined;
}

/**
 * A claims file the parser refuses. The message names file, line and field, so
 * that whoever sent it knows what to correct: "RECEIPTC.UKE line 412, field 生年月日: 19XX0101 is not a date".
 */
export class UkeFormatError extends Error {
  readonly file: string | undefined;
  readonly record: string | undefined;
  readonly line: number;
  readonly field: string | undefined;
  readonly reason: string;

  constructor(reason: string, location: UkeErrorLocation) {
    // A value too long to read (a damaged field of 100 000 characters) is shown by its start and length.
    reason = reason.replace(/[^\s,:]{61,}/g, (value) => `${value.slice(0, 20)}… (${value.length} characters)`);
    const where = [location.file, location.record, `line ${location.line}`].filter(Boolean).join(' ');
    super(`${where}${location.field ? `, field ${location.field}` : ''}: ${reason}`);
    this.name = 'UkeFormatError';
    this.file = location.file;
    this.record = location.record;
    this.line = location.line;
    this.field = location.field;
    this.reason = reason;
  }
}
