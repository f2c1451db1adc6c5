import { writeFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstance } from '../src/index.js';
import { bulkDataBase } from '../src/store/image-archive.js';
import { dcmodifyBytes, newUid, syntheticSlice, workFolder } from '../src/testing.js';

const ESC = 0x1b;

/** Text in ISO 2022 with JIS X 0208 for kanji and kana, `back` the escape that returns to single bytes. */
function iso2022(text: string, back: number[] = [ESC, 0x28, 0x42]): Buffer {
  const out: number[] = [];
  let kanji = false;
  for (const char of text) {
    const single = iconv.encode(char, 'shift_jis');
    if (char.charCodeAt(0) < 0x80 || (single.length === 1 && single[0]! >= 0xa1 && single[0]! <= 0xdf)) {
      if (kanji) out.push(...back);
      kanji = false;
      out.push(...single);
    } else {
      if (!kanji) out.push(ESC, 0x24, 0x42);
      kanji = true;
      out.push(...[...iconv.encode(char, 'euc-jp')].map((b) => b & 0x7f));
    }
  }
  if (kanji) out.push(...back);
  return Buffer.from(out);
}

describe('Specific Character Set, in files dcmtk wrote', () => {
  let folder: Awaited<ReturnType<typeof workFolder>>;
  beforeAll(async () => {
    folder = await workFolder();
  });
  afterAll(() => folder.remove());

  /** A slice whose character set and name (and study description) dcmodify set to exact bytes. */
  async function sliceWith(name: string, charset: string, patientName: Buffer, description?: Buffer) {
    const file = folder.file(`${name}.dcm`);
    await writeFile(file, syntheticSlice({ studyUid: newUid(), seriesUid: newUid() }));
    const bytes = await dcmodifyBytes(file, {
      '(0008,0005)': Buffer.from(charset, 'latin1'),
      '(0010,0010)': patientName,
      ...(description ? { '(0008,1030)': description } : {}),
    });
    return readInstance(bytes, bulkDataBase);
  }

  it('reads ISO_IR 192 (UTF-8)', async () => {
    const parsed = await sliceWith('utf8', 'ISO_IR 192', Buffer.from('Yamada^Tarou=山田^太郎=やまだ^たろう', 'utf8'), Buffer.from('胸部ＣＴ', 'utf8'));
    expect(parsed.patient.name).toEqual({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' });
    expect(parsed.metadata['00081030']).toEqual({ vr: 'LO', Value: ['胸部ＣＴ'] });
    expect(parsed.metadata['00080005']).toEqual({ vr: 'CS', Value: ['ISO_IR 192'] });
  });

  it('reads ISO 2022 IR 87 (kanji and kana by escape sequences), the standard\'s own example', async () => {
    const name = iso2022('Yamada^Tarou=山田^太郎=やまだ^たろう');
    // PS3.5 H.3.1: the bytes of 山田 are ESC $ B ; 3 E D.
    expect(name.includes(Buffer.from([ESC, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44, ESC, 0x28, 0x42]))).toBe(true);
    const parsed = await sliceWith('ir87', '\\ISO 2022 IR 87', name, iso2022('胸部 CT 造影'));
    expect(parsed.patient.name).toEqual({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' });
    expect(parsed.metadata['00081030']!.Value).toEqual(['胸部 CT 造影']);
  });

  it('reads ISO 2022 IR 6 with IR 87 named first', async () => {
    const parsed = await sliceWith('ir6', 'ISO 2022 IR 6\\ISO 2022 IR 87', iso2022('Sato^Hanako=佐藤^花子'));
    expect(parsed.patient.name).toEqual({ Alphabetic: 'Sato^Hanako', Ideographic: '佐藤^花子' });
  });

  it('reads ISO 2022 IR 13 with IR 87: half-width katakana in G1, kanji by escape', async () => {
    const name = iso2022('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=ﾔﾏﾀﾞ^ﾀﾛｳ', [ESC, 0x28, 0x4a]);
    expect(name[0]).toBe(0xd4); // ﾔ as one byte
    const parsed = await sliceWith('ir13', 'ISO 2022 IR 13\\ISO 2022 IR 87', name);
    expect(parsed.patient.name).toEqual({ Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ' });
  });

  it('reads ISO_IR 100 (Latin-1)', async () => {
    const parsed = await sliceWith('latin1', 'ISO_IR 100', Buffer.from('Buc^Jérôme', 'latin1'));
    expect(parsed.patient.name).toEqual({ Alphabetic: 'Buc^Jérôme' });
  });

  it('refuses a character set it cannot decode, rather than store garbled names', async () => {
    await expect(sliceWith('unknown', 'ISO_IR 999', Buffer.from('X^Y'))).rejects.toMatchObject({ code: 'unsupported' });
  });
});
