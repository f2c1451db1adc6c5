import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCp932Line } from '../src/cp932.js';

describe('CP932 line decoding', () => {
  it('reads every byte and byte pair as iconv-lite does, malformed ones included', () => {
    const differ: string[] = [];
    for (let first = 0x80; first <= 0xff; first++) {
      for (let second = 0; second <= 0xff; second++) {
        if (second === 0x0a) continue; // a line holds no line break
        const bytes = Buffer.from([0x41, first, second, 0x42]);
        if (decodeCp932Line(bytes) !== iconv.decode(bytes, 'cp932')) differ.push(bytes.toString('hex'));
      }
      const dangling = Buffer.from([0x41, first]);
      if (decodeCp932Line(dangling) !== iconv.decode(dangling, 'cp932')) differ.push(dangling.toString('hex'));
    }
    expect(differ).toEqual([]);
    expect(decodeCp932Line(iconv.encode('香川　花子,ｶｶﾞﾜ,①髙', 'cp932'))).toBe('香川　花子,ｶｶﾞﾜ,①髙');
  });
});
