import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodeCp932, UkeFileWriter } from './uke-writer.js';

describe('encodeCp932', () => {
  it('gives the bytes iconv-lite gives, CP932 extensions included', () => {
    for (const text of ['RE,1,1112,202610,髙橋　一郎,1,19500101', '山﨑　結衣,ヤマサキユイ', 'ｻﾇｷ,①Ⅲ㎝,γ－ＧＴ', 'ascii only,,,\r\n']) {
      expect(encodeCp932(text).equals(iconv.encode(text, 'cp932')), text).toBe(true);
    }
  });

  it('refuses a character CP932 cannot hold instead of writing "?"', () => {
    expect(() => encodeCp932('SY,0000999,20261001,1,,骨折🦴,01,')).toThrow(/no CP932 code/);
  });
});

describe('UkeFileWriter', () => {
  it('numbers receipts, closes with GO totals and ends with 0x1A when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'renkei-writer-'));
    try {
      const path = join(dir, '2026-10', '3710112342', 'RECEIPTC.UKE');
      const writer = new UkeFileWriter(path, 'IR,1,37,1,0112342,,医院,202611,00,0878311234', true);
      for (const points of [100, 250]) writer.append({ points, render: (number) => [`RE,${number}`, `HO,,,,1,${points}`] });
      await writer.finish();
      const bytes = await readFile(path);
      expect(bytes[bytes.length - 1]).toBe(0x1a);
      expect(iconv.decode(bytes.subarray(0, -1), 'cp932')).toBe(
        'IR,1,37,1,0112342,,医院,202611,00,0878311234\r\nRE,1\r\nHO,,,,1,100\r\nRE,2\r\nHO,,,,1,250\r\nGO,2,350,99\r\n',
      );
      expect(writer.lines).toBe(6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
