import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCardPdf } from './card-pdf.js';
import { pdfText, readQrCode } from './testing.js';

describe('the card PDF', () => {
  const card = { qr: 'RKC1-8123456789012345-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', cardNumber: '8123456789012345', name: '讃岐 花子', issuedOn: '2026-11-22' };

  it('is card-sized, names the patient and the card number, and its QR code reads back as the card', async () => {
    const pdf = await renderCardPdf(card);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'renkei-card-')), 'card.pdf');
    writeFileSync(file, pdf);
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+242\.6\d* x 153\.0\d* pts/);
    const text = pdfText(pdf);
    expect(text).toContain('讃岐 花子');
    expect(text).toContain('8123 4567 8901 2345');
    expect(readQrCode(pdf)).toBe(card.qr);
  });
});
