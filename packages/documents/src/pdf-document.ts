import PDFDocument from 'pdfkit';
import { documentFonts } from './fonts.js';

/** A pdfkit document with Renkei's fonts registered ('body', 'bold'), and its bytes once it is ended. */
export function pdfDocument(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument(options);
  const fonts = documentFonts();
  doc.registerFont('body', fonts.body);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}
