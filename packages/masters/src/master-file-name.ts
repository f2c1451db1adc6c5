import path from 'node:path';
import type { MasterKind } from './model.js';

/** What a master file's name says about it. */
export interface MasterFileName {
  kind: MasterKind;
  /** The date in the name, YYYY-MM-DD: publication date of the file. */
  date: string;
  /** A change file (only the rows that changed) rather than a full master. */
  changes: boolean;
}

// b_20240601.txt, z_20250601.txt, s_ALL20240531.csv, y_ALL20240321.csv, updates/y_20240906.csv
const NAME = /^(?:([bz])_(\d{8})\.txt|([sytc])_(ALL)?(\d{8})\.csv)$/i;

/**
 * Recognizes a master file by its path relative to the masters directory, or
 * returns null for any other file. The 傷病名 and 修飾語 masters come whole and
 * dated (b_20240601.txt); the others are full as *_ALL* and change files
 * otherwise; anything under updates/ is a change file.
 */
export function recognizeMasterFile(relativePath: string): MasterFileName | null {
  const match = NAME.exec(path.basename(relativePath));
  if (!match) return null;
  const [, bz, bzDate, other, all, otherDate] = match;
  const digits = (bzDate ?? otherDate)!;
  const date = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isCalendarDate(date)) return null;
  const inUpdates = relativePath.split(/[\\/]/).slice(0, -1).includes('updates');
  return {
    kind: (bz ?? other)!.toLowerCase() as MasterKind,
    date,
    changes: inUpdates || (other !== undefined && all === undefined),
  };
}

/** True for an existing YYYY-MM-DD day. */
export function isCalendarDate(iso: string): boolean {
  const time = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(iso);
}
