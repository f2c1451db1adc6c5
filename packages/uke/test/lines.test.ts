import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../src/index.js';

function linesOf(bytes: Uint8Array, chunkSize: number): string[] {
  const decoder = new LineDecoder();
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) lines.push(...decoder.write(bytes.subarray(i, i + chunkSize)));
  lines.push(...decoder.end());
  return lines;
}

const sizes = [1, 2, 3, 7, 64 * 1024];

describe('LineDecoder', () => {
  it('reads CP932 lines alike whatever the chunks, a stray lead byte before the line break included', () => {
    const bytes = Buffer.concat([
      iconv.encode('IR,1,37,1,1234567,,高松テスト医院,202410\r\nRE,1,1112,202410,香川　花子\r\n', 'cp932'),
      Buffer.from('CO,,,,'),
      Buffer.from([0x82]), // a lead byte without its trail
      Buffer.from('\r\nGO,1\r\n\x1a'),
    ]);
    for (const size of sizes) {
      expect(linesOf(bytes, size), `chunks of ${size}`).toEqual(['IR,1,37,1,1234567,,高松テスト医院,202410', 'RE,1,1112,202410,香川　花子', 'CO,,,,\ufffd', 'GO,1']);
    }
  });

  it('reads UTF-8 with a byte-order mark and LF, and keeps a last line without a line break', () => {
    const bytes = Buffer.from('\ufeffIR,1,37,高松\nRE,1\n\nGO,1', 'utf8');
    for (const size of sizes) expect(linesOf(bytes, size), `chunks of ${size}`).toEqual(['IR,1,37,高松', 'RE,1', '', 'GO,1']);
  });

  it('decides the encoding at the first byte that is not ASCII', () => {
    const decoder = new LineDecoder();
    expect(decoder.write(Buffer.from('IR,1\r\nRE,'))).toEqual(['IR,1']);
    expect(decoder.encoding).toBeUndefined();
    expect(decoder.write(iconv.encode('香川\r\n', 'cp932'))).toEqual(['RE,香川']);
    expect(decoder.encoding).toBe('cp932');
  });
});
