import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseSample, parseBytes, samplesDir } from './samples.js';

describe('医科 file (receiptisan sample, CP932, 西暦)', async () => {
  const file = await parseSample('receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');

  it('reads the facility header and every receipt', () => {
    expect(file.header).toMatchObject({ kind: 'medical', payer: '1', prefecture: '12', table: '1', institutionCode: '0000000', facilityCode: '1210000000', billingMonth: '2021-11' });
    expect(file.receipts).toHaveLength(75);
    expect(file.receipts.reduce((n, r) => n + r.lineCount, 0) + 2).toBe(file.lines); // + IR and GO
  });

  it('reads the patient, normalizes full-width 記号・番号 and takes 枝番 from SN', () => {
    const [first, second] = file.receipts;
    expect(first!.patient).toEqual({ name: 'テスト　汎用', kana: 'テストハンヨウ', sex: 1, birthDate: '1991-11-21' });
    expect(first!.serviceMonth).toBe('2021-10');
    expect(first!.insurance).toEqual({ insurerNumber: '01010016', symbol: '1', number: '1', branch: '' });
    expect(first!.publicPrograms).toEqual([{ payerNumber: '83136019', recipientNumber: '1111111' }]);
    expect(second!.insurance).toEqual({ insurerNumber: '01130012', symbol: '64440718', number: '7', branch: '00' });
  });

  it('reads a 公費単独 receipt without HO as having no insurance', () => {
    const publicOnly = file.receipts[3]!;
    expect(publicOnly.receiptType).toBe('1212');
    expect(publicOnly.insurance).toBeNull();
    expect(publicOnly.publicPrograms[0]!.payerNumber).toBe('12143210');
  });

  it('reads diagnoses: uncoded names, 疑い by modifier 8002, 主傷病 and 転帰', () => {
    const [first, , third] = file.receipts;
    expect(first!.diagnoses[0]).toMatchObject({ code: '2500013', startDate: '2021-08-01', outcome: 1, main: true, suspected: false, name: null });
    expect(first!.diagnoses[1]).toMatchObject({ code: '0000999', name: 'テスト' });
    expect(first!.diagnoses[2]!.name).toMatch(/^寿限無.*長助の疑い$/);
    expect(third!.diagnoses[0]).toMatchObject({ code: '4659007', modifiers: '8002', suspected: true });
    expect(third!.diagnoses[2]).toMatchObject({ code: '2500013', outcome: 4 });
  });

  it('carries 診療識別 forward within a group and closes a 算定単位 on its 点数 line', () => {
    const first = file.receipts[0]!;
    const surgery = first.items.find((i) => i.code === '150253010')!;
    expect(surgery).toMatchObject({ codeKind: 's', practice: '50', points: 12100, times: 1, dates: ['2021-10-01'] });
    const drugsInSurgery = first.items.filter((i) => i.groupNo === surgery.groupNo && i.codeKind === 'y');
    expect(drugsInSurgery).toHaveLength(8);
    expect(drugsInSurgery.every((d) => d.practice === '50')).toBe(true);
    // The eight drugs are one 算定単位 (点数 865 on its last line), not the surgery's.
    expect(new Set(drugsInSurgery.map((d) => d.unitNo)).size).toBe(1);
    expect(drugsInSurgery[0]!.unitNo).not.toBe(surgery.unitNo);
    expect(drugsInSurgery.map((d) => d.points)).toEqual([null, null, null, null, null, null, null, 865]);

    const third = file.receipts[2]!;
    const tests = third.items.filter((i) => i.practice === '60');
    // Four lines, 点数 on the fourth, then a new group of the same 診療識別.
    expect(tests.slice(0, 4).map((t) => t.unitNo)).toEqual([tests[0]!.unitNo, tests[0]!.unitNo, tests[0]!.unitNo, tests[0]!.unitNo]);
    expect(tests[4]!.groupNo).toBe(tests[0]!.groupNo + 1);
  });

  it('gives a CO line in a 投薬 group to the drugs of its unit as 用法', () => {
    const first = file.receipts[0]!;
    expect(first.items.find((i) => i.code === '620098801')).toMatchObject({ practice: '22', usage: '疼痛時', quantity: 1, points: 1, times: 2 });
    expect(first.items.find((i) => i.code === '622265501' && i.practice === '23')!.usage).toBe('１日５回　右眼');
  });

  it('turns day columns into dates, counts included', () => {
    const second = file.receipts[1]!;
    expect(second.items.find((i) => i.code === '620004422')).toMatchObject({ practice: '33', dates: ['2021-10-11'] });
  });

  it('reads the same receipts from one-byte chunks (a multibyte character split across reads)', async () => {
    const again = await parseSample('receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE', 1);
    expect(again.receipts).toEqual(file.receipts);
  });

  it('reads the same receipts from UTF-8 with LF line ends and an EOF mark', async () => {
    const bytes = await readFile(samplesDir + 'receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');
    const utf8 = Buffer.from(iconv.decode(bytes, 'cp932').replace(/\r\n/g, '\n') + '\x1a', 'utf8');
    const again = await parseBytes(utf8, 'RECEIPTC.UKE');
    expect(again.receipts).toEqual(file.receipts);
  });

  it('drops the 3 履歴管理 columns that insurer-side files put before every record', async () => {
    const bytes = await readFile(samplesDir + 'receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');
    const lines = iconv.decode(bytes, 'cp932').split('\r\n').filter(Boolean);
    const prefixed = lines.map((line, i) => `1,${i + 1},0,${line}`).join('\r\n') + '\r\n';
    const again = await parseBytes(iconv.encode(prefixed, 'cp932'), 'RECEIPTC.UKE');
    expect(again.receipts).toEqual(file.receipts);
  });
});

describe('医科 files of the old specification (ORCA demo, 和暦, 国保)', () => {
  it('reads 和暦 months and dates and the 6-digit 国保 insurer number with its leading spaces', async () => {
    const file = await parseSample('orca/01.csv');
    expect(file.header).toMatchObject({ facilityCode: '1311234567', billingMonth: '2019-01', facilityName: '医療法人　オルカ医院' });
    const first = file.receipts[0]!;
    expect(first.serviceMonth).toBe('2019-01');
    expect(first.patient.birthDate).toBe('1995-02-08');
    expect(first.insurance).toEqual({ insurerNumber: '133066', symbol: '', number: '', branch: '' });
    expect(first.diagnoses[0]).toMatchObject({ code: '3721002', startDate: '2019-01-09', suspected: true });
  });

  it('reads an empty HO as no insurance (公費単独)', async () => {
    const file = await parseSample('orca/shaho_201811.csv');
    expect(file.receipts[0]).toMatchObject({ insurance: null, points: 357 });
  });

  it.each(['02.csv', '03.csv', '04.csv', '05.csv', 'kokuho_201811.csv', 'shaho_201811.csv'])('reads orca/%s whole', async (name) => {
    const file = await parseSample(`orca/${name}`);
    expect(file.receipts.length).toBeGreaterThan(0);
    for (const receipt of file.receipts) {
      expect(receipt.serviceMonth).toMatch(/^20\d\d-\d\d$/);
      expect(receipt.patient.birthDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
  });
});

describe('歯科 files', () => {
  it('are read without breaking: receipts and patients, dental detail left aside', async () => {
    const file = await parseSample('orca/shika_shaho.csv');
    expect(file.header).toMatchObject({ kind: 'dental', table: '3', facilityName: '麹町国際歯科', facilityCode: '1330012345' });
    expect(file.receipts).toHaveLength(3);
    expect(file.receipts[0]!.patient).toMatchObject({ name: '鈴木　雅規', sex: 1, birthDate: '1968-01-01' });
    expect(file.receipts[0]!.insurance).toMatchObject({ insurerNumber: '01130012', symbol: '13401518', number: '12' });
  });
});
