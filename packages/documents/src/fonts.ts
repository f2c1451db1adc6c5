import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * BIZ UDGothic, the complete TrueType fonts of Debian's
 * fonts-morisawa-bizud-gothic: every character the masters and the receipts
 * use (Greek, half-width kana, ①, ℃, ㎎, 髙, 﨑), which web subsets of the
 * font lack. `RENKEI_FONT_DIR` names another folder holding the same files.
 */
export const FONT_DIR = process.env.RENKEI_FONT_DIR ?? '/usr/share/fonts/truetype/bizud-gothic';
export const FONT_FILES = { body: 'BIZUDGothic-Regular.ttf', bold: 'BIZUDGothic-Bold.ttf' } as const;

let fonts: Record<keyof typeof FONT_FILES, Buffer> | undefined;

/** The fonts, read once per process; a missing file is named with the package that installs it. */
export function documentFonts(): Record<keyof typeof FONT_FILES, Buffer> {
  fonts ??= {
    body: readFont(FONT_FILES.body),
    bold: readFont(FONT_FILES.bold),
  };
  return fonts;
}

function readFont(file: string): Buffer {
  const full = path.join(FONT_DIR, file);
  try {
    return readFileSync(full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`the PDF font ${full} is missing: install Debian's fonts-morisawa-bizud-gothic (apt-get install fonts-morisawa-bizud-gothic), or set RENKEI_FONT_DIR to a folder holding ${FONT_FILES.body} and ${FONT_FILES.bold}`);
  }
}
