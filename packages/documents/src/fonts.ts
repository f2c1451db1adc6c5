import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import woff from 'woff2sfnt-sfnt2woff';

const require = createRequire(import.meta.url);

/** BIZ UDGothic (Japanese subset), as @fontsource ships it: WOFF files. */
export const BIZ_UD_GOTHIC = require.resolve('@fontsource/biz-udgothic/files/biz-udgothic-japanese-400-normal.woff');
export const BIZ_UD_GOTHIC_BOLD = require.resolve('@fontsource/biz-udgothic/files/biz-udgothic-japanese-700-normal.woff');

const fonts = new Map<string, Buffer>();

/**
 * The font as a plain TrueType file, converted once per process: pdfkit reads
 * WOFF too, but inflates its tables again (in JavaScript) on every use, which
 * makes one page take half a minute.
 */
export function trueTypeOf(woffFile: string): Buffer {
  let font = fonts.get(woffFile);
  if (!font) {
    font = Buffer.from(woff.toSfnt(readFileSync(woffFile)));
    fonts.set(woffFile, font);
  }
  return font;
}
