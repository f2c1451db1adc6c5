/**
 * A Renkei card, ID-1 size (85.6 × 54 mm), to print on card stock: the QR code
 * that opens the patient's history, the card number to read aloud, the
 * patient's name. The QR code is drawn as vector squares, sharp at any printer.
 */
import { formatCardNumber } from '@renkei/api';
import QRCode from 'qrcode';
import { pdfDocument } from './pdf-document.js';

const MM = 72 / 25.4;

export interface CardPrint {
  qr: string;
  cardNumber: string;
  name: string | null;
  issuedOn: string;
}

export function renderCardPdf(card: CardPrint): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: [85.6 * MM, 54 * MM], margin: 0, info: { Title: 'Renkei カード', Producer: 'Renkei' } });

  doc.rect(0, 0, 85.6 * MM, 9 * MM).fill('#0b7285');
  doc.fillColor('white').font('bold').fontSize(11).text('Renkei 連携カード', 4 * MM, 2.6 * MM);
  doc.fillColor('black').font('bold').fontSize(12).text(card.name ?? '', 4 * MM, 14 * MM, { width: 48 * MM });
  doc.font('body').fontSize(7).text('カード番号', 4 * MM, 26 * MM);
  doc.font('bold').fontSize(10).text(formatCardNumber(card.cardNumber), 4 * MM, 29.5 * MM);
  doc.font('body').fontSize(6).text(`発行日 ${card.issuedOn}`, 4 * MM, 36 * MM);
  doc.fontSize(5.5).text('医療機関で提示すると、あなたの受診歴・お薬の情報を医師が確認できます。紛失したときは窓口に届け出てください。', 4 * MM, 42 * MM, { width: 48 * MM });

  // QR code, 28 mm square with its quiet zone, on the right.
  const qr = QRCode.create(card.qr, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const module = (26 * MM) / size;
  const left = 56 * MM;
  const top = 14 * MM;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (qr.modules.get(y, x)) doc.rect(left + x * module, top + y * module, module, module);
  }
  doc.fill('black');
  doc.end();
  return done;
}
