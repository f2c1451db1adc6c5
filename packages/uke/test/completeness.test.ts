import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cp932, parseBytes, parseSample, record, samplesDir } from './samples.js';

/** Every sample: 総件数 counts its HO and KO records, 総合計点数 adds each receipt's HO 合計点数 (KO's without HO). */
const SAMPLES = [
  ['receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE', 'cp932'],
  ['orca/01.csv', 'utf8'],
  ['orca/02.csv', 'utf8'],
  ['orca/03.csv', 'utf8'],
  ['orca/04.csv', 'utf8'],
  ['orca/05.csv', 'utf8'],
  ['orca/kokuho_201811.csv', 'utf8'],
  ['orca/shaho_201811.csv', 'utf8'],
  ['orca/shika_shaho.csv', 'utf8'],
] as const;

async function sampleLines(relative: string, encoding: 'cp932' | 'utf8'): Promise<string[]> {
  const text = iconv.decode(await readFile(samplesDir + relative), encoding);
  return text.split(/\r?\n/).filter((l) => l !== '');
}

const encode = (lines: string[], encoding: 'cp932' | 'utf8') => (encoding === 'cp932' ? cp932(lines) : Buffer.from(lines.join('\n') + '\n'));

describe('a complete file: GO last, with the file’s own totals', () => {
  it.each(SAMPLES)('%s is complete as it stands', async (relative) => {
    await expect(parseSample(relative)).resolves.toMatchObject({ lines: expect.any(Number) });
  });

  it.each(SAMPLES)('%s refuses a wrong 総件数 or 総合計点数 in GO, naming line, field and what the file holds', async (relative, encoding) => {
    const lines = await sampleLines(relative, encoding);
    const go = lines.length - 1;
    const [, total, points, ...rest] = lines[go]!.split(',');
    const name = relative.split('/').pop()!;
    const wrongTotal = [...lines.slice(0, go), ['GO', Number(total) - 1, points, ...rest].join(',')];
    await expect(parseBytes(encode(wrongTotal, encoding), name)).rejects.toThrow(`${name} GO line ${go + 1}, field 総件数: ${Number(total) - 1} given, the file holds ${total}`);
    const wrongPoints = [...lines.slice(0, go), ['GO', total, Number(points) + 10, ...rest].join(',')];
    await expect(parseBytes(encode(wrongPoints, encoding), name)).rejects.toThrow(`${name} GO line ${go + 1}, field 総合計点数: ${Number(points) + 10} given, the file holds ${points}`);
  });

  it.each(SAMPLES)('%s cut short (no GO) is refused as incomplete', async (relative, encoding) => {
    const lines = await sampleLines(relative, encoding);
    const name = relative.split('/').pop()!;
    await expect(parseBytes(encode(lines.slice(0, -1), encoding), name)).rejects.toThrow(
      `${name} line ${lines.length - 1}: the file ends without its GO record (診療報酬請求書), so it is incomplete: ask the sender for the whole file`,
    );
  });

  it('counts a receipt once per payer (HO and each KO) and adds the KO points of a 公費単独 receipt', async () => {
    const lines = [
      record('IR', { 1: '1', 2: '37', 3: '1', 4: '1234567', 6: '医院', 7: '202411', 8: '00' }),
      record('RE', { 1: '1', 2: '1112', 3: '202410', 4: '香川　太郎', 5: '1', 6: '19600101' }),
      record('HO', { 1: '06370015', 2: '12', 3: '34', 4: '1', 5: '300' }),
      record('KO', { 1: '54370012', 2: '1234567', 4: '1', 5: '300' }),
      record('RE', { 1: '2', 2: '1212', 3: '202410', 4: '香川　花子', 5: '2', 6: '19620101' }),
      record('KO', { 1: '12370018', 2: '7654321', 4: '1', 5: '120' }),
      record('GO', { 1: '3', 2: '420', 3: '99' }),
    ];
    await expect(parseBytes(cp932(lines), 'RECEIPTC.UKE')).resolves.toMatchObject({ lines: 7 });
    const asReceipts = [...lines.slice(0, -1), record('GO', { 1: '2', 2: '420', 3: '99' })];
    await expect(parseBytes(cp932(asReceipts), 'RECEIPTC.UKE')).rejects.toThrow('RECEIPTC.UKE GO line 7, field 総件数: 2 given, the file holds 3');
  });

  it('checks 調剤 and DPC files alike', async () => {
    const pharmacy = [
      record('YK', { 1: '2', 2: '37', 3: '4', 4: '1234567', 5: 'さぬき薬局', 6: '202410', 7: '00' }),
      record('RE', { 1: '1', 2: '4118', 3: '202410', 4: '香川　花子', 5: '2', 6: '19520304', 9: '37', 10: '1', 11: '7654321' }),
      record('HO', { 1: '  370015', 2: '１２', 3: '３４５', 4: '2', 5: '812' }),
      record('SH', { 1: '01', 2: '1', 3: '006' }),
      record('CZ', { 1: '1', 2: '20241003', 3: '20241003', 4: '1', 5: '28' }),
      record('IY', { 1: '1', 2: '610463147', 3: '1', 9: '1' }),
    ];
    await expect(parseBytes(cp932([...pharmacy, record('GO', { 1: '1', 2: '812', 3: '99' })]), 'RECEIPTY.UKE')).resolves.toMatchObject({ lines: 7 });
    await expect(parseBytes(cp932([...pharmacy, record('GO', { 1: '1', 2: '800', 3: '99' })]), 'RECEIPTY.UKE')).rejects.toThrow('RECEIPTY.UKE GO line 7, field 総合計点数: 800 given, the file holds 812');
    await expect(parseBytes(cp932(pharmacy), 'RECEIPTY.UKE')).rejects.toThrow('RECEIPTY.UKE line 6: the file ends without its GO record');
    const dpc = [
      record('IR', { 1: '1', 2: '37', 3: '1', 4: '0101010', 6: '香川中央病院', 7: '202410', 8: '00' }),
      record('RE', { 1: '1', 2: '1111', 3: '202410', 4: '讃岐　一郎', 5: '1', 6: '19480510' }),
      record('HO', { 1: '39370014', 2: '', 3: '00012345', 5: '45000' }),
      record('BU', { 1: '060035xx01000x', 2: '20241007', 3: '20241020', 4: '1' }),
      record('SB', { 1: '8833421', 3: '', 4: 'C18.7', 5: '01' }),
    ];
    await expect(parseBytes(cp932([...dpc, record('GO', { 1: '1', 2: '45000', 3: '99' })]), 'RECEIPTD.UKE')).resolves.toMatchObject({ lines: 6 });
    await expect(parseBytes(cp932([...dpc, record('GO', { 1: '2', 2: '45000', 3: '99' })]), 'RECEIPTD.UKE')).rejects.toThrow('RECEIPTD.UKE GO line 6, field 総件数: 2 given, the file holds 1');
    await expect(parseBytes(cp932(dpc), 'RECEIPTD.UKE')).rejects.toThrow('RECEIPTD.UKE line 5: the file ends without its GO record');
  });

  it('shows a huge value in a refusal by its start and length', async () => {
    const lines = await sampleLines('orca/01.csv', 'utf8');
    const huge = lines.map((l, i) => (i === lines.length - 1 ? `GO,${'9'.repeat(100_000)},3834,99` : l));
    await expect(parseBytes(encode(huge, 'utf8'), '01.csv')).rejects.toThrow(`01.csv GO line ${lines.length}, field 総件数: 99999999999999999999… (100000 characters) given, the file holds 7`);
  });

  it('refuses a NUL byte, which no record holds, naming line and field', async () => {
    const lines = await sampleLines('orca/01.csv', 'utf8');
    const damaged = lines.map((l, i) => (i === 2 ? l.replace(',', ',\0') : l));
    await expect(parseBytes(encode(damaged, 'utf8'), '01.csv')).rejects.toThrow('01.csv line 3: a NUL byte (0x00) in field 1 (counted from 0, the record id): the file is damaged');
  });

  it('refuses a record after GO, and a second GO', async () => {
    const lines = await sampleLines('orca/01.csv', 'utf8');
    const after = [...lines, lines[1]!];
    await expect(parseBytes(encode(after, 'utf8'), '01.csv')).rejects.toThrow(`01.csv line ${lines.length + 1}: RE after the GO record of line ${lines.length}: GO ends the file`);
    await expect(parseBytes(encode([...lines, lines.at(-1)!], 'utf8'), '01.csv')).rejects.toThrow('GO after the GO record');
  });

  it('reads the volume of a delivery on several volumes from GO and IR, and refuses a volume that contradicts its IR', async () => {
    const lines = [
      record('IR', { 1: '1', 2: '37', 3: '1', 4: '1234567', 6: '医院', 7: '202411', 8: '02' }),
      record('RE', { 1: '1', 2: '1112', 3: '202410', 4: '香川　太郎', 5: '1', 6: '19600101' }),
      record('HO', { 1: '06370015', 2: '12', 3: '34', 4: '1', 5: '300' }),
    ];
    const volumeOf = async (go: string) => {
      const items = [];
      const { parseClaimFile } = await import('../src/index.js');
      for await (const item of parseClaimFile([cp932([...lines, `GO,1,300,${go}`])], { fileName: 'RECEIPTC.UKE' })) items.push(item);
      const end = items.at(-1)!;
      return end.type === 'end' ? end.volume : undefined;
    };
    expect(await volumeOf('02')).toEqual({ number: 2, last: false });
    expect(await volumeOf('99')).toEqual({ number: 2, last: true });
    await expect(volumeOf('03')).rejects.toThrow('RECEIPTC.UKE line 4, field マルチボリューム識別情報: 03 differs from volume 02 in the facility record');
    await expect(volumeOf('X1')).rejects.toThrow('field マルチボリューム識別情報: X1 is not a volume');
  });
});
