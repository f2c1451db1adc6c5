import { describe, expect, it } from 'vitest';
import { copyArray, copyRow } from '@renkei/store';
import { CopyWriter } from '../src/copy-writer.js';

const utf8 = new TextEncoder();

describe('CopyWriter', () => {
  it('writes the bytes copyRow writes, escapes and UTF-8 included', () => {
    const texts = ['', 'plain', 'tab\there', 'back\\slash', 'new\nline', 'cr\rlf', '高松　テスト医院', 'ｶﾀｶﾅ', 'é', '𠮷野家', 'lone \ud800 high', 'lone \udc00 low', 'end \ud83d'];
    const numbers = [0, -0, 7, -12, 2147483647, 9007199254740991, 1.5, -0.25, 1e21, 12345678901234567890];
    const rows = new CopyWriter();
    let expected = '';
    for (const text of texts) {
      rows.text(text).text(null).number(numbers[texts.indexOf(text) % numbers.length]!).boolean(true).boolean(false).boolean(null).endRow();
      expected += copyRow([text, null, numbers[texts.indexOf(text) % numbers.length]!, true, false, null]);
    }
    for (const n of numbers) {
      rows.number(n).number(null).endRow();
      expected += copyRow([n, null]);
    }
    rows.array(['2024-10-01', '2024-10-03']).array([]).array(['2024-10-31']).endRow();
    expected += copyRow([copyArray(['2024-10-01', '2024-10-03']), null, copyArray(['2024-10-31'])]);
    const shared = CopyWriter.encode('高松\tid');
    rows.encoded(shared).number(1).endRow();
    rows.encoded(shared).number(2).endRow();
    expected += copyRow(['高松\tid', 1]) + copyRow(['高松\tid', 2]);
    rows.word('medication').word(null).word('medication').word('tab\there').endRow();
    expected += copyRow(['medication', null, 'medication', 'tab\there']);
    expect(rows.rows).toBe(texts.length + numbers.length + 4);
    expect(rows.take()).toEqual(utf8.encode(expected));
    expect(rows.rows).toBe(0);
  });

  it('grows past its first buffer and starts empty after each take', () => {
    const rows = new CopyWriter();
    const long = 'あ'.repeat(50_000);
    rows.text(long).text(long).endRow();
    const first = rows.take();
    expect(first).toEqual(utf8.encode(copyRow([long, long])));
    rows.text('next').endRow();
    expect(Buffer.from(rows.take()).toString('utf8')).toBe('next\n');
  });
});
