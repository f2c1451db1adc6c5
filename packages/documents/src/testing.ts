/** Test support: read back what a PDF shows, with poppler-utils and jsQR. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';

// jsqr is CommonJS typed as an ES module: under Node its default export is the module object.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof import('jsqr').default;

/** The text of a PDF (pdftotext). */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', writeTemp(pdf), '-'], { encoding: 'utf8' });
}

/** The images a PDF draws, as `pdfimages -list` lists them, and each one's gray values (its first channel, extracted by pdfimages). */
export function pdfImages(pdf: Buffer): Array<{ page: number; width: number; height: number; gray: Buffer }> {
  const file = writeTemp(pdf);
  const listed = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter((line) => line.trim() !== '');
  const out = file.replace(/\.pdf$/, '');
  execFileSync('pdfimages', [file, out]);
  return listed.map((line, i) => {
    const [page, , , width, height] = line.trim().split(/\s+/);
    // PGM or PPM: "P5|P6 width height 255", then one or three bytes per pixel.
    const name = `${out}-${String(i).padStart(3, '0')}`;
    const bytes = readFileSync(existsSync(`${name}.pgm`) ? `${name}.pgm` : `${name}.ppm`);
    const header = /^P([56])\s+\d+\s+\d+\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'))!;
    const channels = header[1] === '5' ? 1 : 3;
    const pixels = bytes.subarray(header[0].length);
    const gray = Buffer.alloc(pixels.length / channels);
    for (let p = 0; p < gray.length; p++) gray[p] = pixels[p * channels]!;
    return { page: Number(page), width: Number(width), height: Number(height), gray };
  });
}

/** The QR code on a PDF's first page, rendered at 300 dpi and decoded. */
export function readQrCode(pdf: Buffer): string | undefined {
  const file = writeTemp(pdf);
  const out = file.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-gray', '-r', '300', '-singlefile', file, out]);
  const pgm = readFileSync(`${out}.pgm`);
  // PGM: "P5 width height 255" and one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const width = Number(header[1]);
  const height = Number(header[2]);
  const pixels = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
  return jsQR(rgba, width, height)?.data;
}

function writeTemp(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'renkei-pdf-')), 'document.pdf');
  writeFileSync(file, pdf);
  return file;
}
