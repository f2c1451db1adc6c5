import PDFDocument from 'pdfkit';
import { BIZ_UD_GOTHIC, BIZ_UD_GOTHIC_BOLD, trueTypeOf } from './fonts.js';

/** A pdfkit document with Renkei's fonts registered ('body', 'bold'), and its bytes once it is ended. */
export function pdfDocument(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument(options);
  doc.registerFont('body', trueTypeOf(BIZ_UD_GOTHIC));
  doc.registerFont('bold', trueTypeOf(BIZ_UD_GOTHIC_BOLD));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}
