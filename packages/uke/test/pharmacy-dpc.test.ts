import { describe, expect, it } from 'vitest';
import { cp932, parseBytes, record } from './samples.js';

describe('調剤 file (RECEIPTY, current specification)', () => {
  const lines = [
    record('YK', { 1: '2', 2: '37', 3: '4', 4: '1234567', 5: 'さぬき薬局', 6: '202410', 7: '00' }),
    record('RE', { 1: '1', 2: '4118', 3: '202410', 4: '香川　花子', 5: '2', 6: '19520304', 9: '37', 10: '1', 11: '7654321', 12: '高松内科', 41: 'カガワハナコ' }),
    record('HO', { 1: '  370015', 2: '１２', 3: '３４５', 4: '2', 5: '812' }),
    record('SN', { 1: '1', 2: '01', 6: '02' }),
    record('SH', { 1: '01', 2: '1', 3: '006' }),
    record('CZ', { 1: '1', 2: '20241003', 3: '20241003', 4: '1', 5: '28' }),
    record('CZ', { 1: '1', 2: '20241003', 3: '20241031', 4: '2', 5: '28' }),
    record('IY', { 1: '1', 2: '610463147', 3: '1', 9: '1' }),
    record('IY', { 1: '1', 2: '620004534', 3: '2', 9: '1' }),
    record('SH', { 1: '02', 2: '5', 3: '900', 4: '1日2回' }),
    record('CZ', { 2: '20241003', 3: '20241003', 5: '1' }),
    record('IY', { 1: '1', 2: '620008704', 3: '25' }),
    record('GO', { 1: '1', 2: '812', 3: '99' }),
  ];

  it('reads the prescriber, the 剤 with its route and 用法, and the dispensing dates and days', async () => {
    const file = await parseBytes(cp932(lines), 'RECEIPTY.UKE');
    expect(file.header).toMatchObject({ kind: 'pharmacy', facilityCode: '3741234567', facilityName: 'さぬき薬局', billingMonth: '2024-10' });
    const [receipt] = file.receipts;
    expect(receipt!.prescriber).toEqual({ facilityCode: '3717654321', name: '高松内科' });
    expect(receipt!.patient).toEqual({ name: '香川　花子', kana: 'カガワハナコ', sex: 2, birthDate: '1952-03-04' });
    expect(receipt!.insurance).toEqual({ insurerNumber: '370015', symbol: '12', number: '345', branch: '02' });
    expect(receipt!.items).toHaveLength(3);
    expect(receipt!.items[0]).toMatchObject({ codeKind: 'y', code: '610463147', practice: '21', usage: '用法コード006', dates: ['2024-10-03', '2024-10-31'], days: 56, singleDose: 1 });
    expect(receipt!.items[1]!.groupNo).toBe(receipt!.items[0]!.groupNo);
    expect(receipt!.items[2]).toMatchObject({ code: '620008704', practice: '23', usage: '1日2回', dates: ['2024-10-03'], days: 1 });
  });

  it('refuses a drug line that belongs to no 処方 (SH)', async () => {
    const broken = [...lines.slice(0, 4), record('IY', { 1: '1', 2: '610463147', 3: '1' }), lines.at(-1)!];
    await expect(parseBytes(cp932(broken), 'RECEIPTY.UKE')).rejects.toThrow('RECEIPTY.UKE line 5: a CZ, IY or TO record before any SH (処方) record of its receipt');
  });
});

describe('DPC file (RECEIPTD)', () => {
  const lines = [
    record('IR', { 1: '1', 2: '37', 3: '1', 4: '0101010', 6: '香川中央病院', 7: '202410', 8: '00' }),
    record('RE', { 1: '1', 2: '1111', 3: '202410', 4: '讃岐　一郎', 5: '1', 6: '19480510', 36: 'サヌキイチロウ' }),
    record('HO', { 1: '39370014', 2: '', 3: '00012345', 5: '45000' }),
    record('BU', { 1: '060035xx01000x', 2: '20241007', 3: '20241020', 4: '1' }),
    record('SB', { 1: '8833421', 3: '', 4: 'C18.7', 5: '01' }),
    record('SB', { 1: '2500013', 4: 'E14', 5: '11' }),
    record('CD', { 1: '20241008', 2: '50', 3: '1', 4: '1', 5: '150154010', 7: '1', 9: '1' }),
    record('CD', { 1: '20241008', 2: '50', 3: '1', 4: '2', 5: '620000402', 6: '2', 9: '1' }),
    record('CD', { 1: '20241009', 2: '60', 3: '1', 4: '1', 5: '160000310', 9: '1' }),
    record('CD', { 1: '20241009', 3: '1', 4: '2', 5: '820100001' }),
    record('GO', { 1: '1', 2: '45000', 3: '99' }),
  ];

  it('reads SB diagnoses with their ICD-10 and CD coding lines as dated acts with their drugs', async () => {
    const file = await parseBytes(cp932(lines), 'RECEIPTD.UKE');
    expect(file.header.kind).toBe('dpc');
    const [receipt] = file.receipts;
    expect(receipt!.diagnoses[0]).toMatchObject({ code: '8833421', icd10: 'C187', main: true, startDate: '2024-10-07', outcome: 1 });
    expect(receipt!.diagnoses[1]).toMatchObject({ code: '2500013', icd10: 'E14', main: false });
    expect(receipt!.items.map((i) => [i.codeKind, i.code, i.practice, i.dates[0]])).toEqual([
      ['s', '150154010', '50', '2024-10-08'],
      ['y', '620000402', '50', '2024-10-08'],
      ['s', '160000310', '60', '2024-10-09'],
    ]);
    const [surgery, drug, test] = receipt!.items;
    expect(drug!.groupNo).toBe(surgery!.groupNo);
    expect(test!.groupNo).not.toBe(surgery!.groupNo);
    expect(drug!.quantity).toBe(2);
  });

  it('reads the stay from BU: admission, discharge and 診断群分類番号; a 医科 inpatient receipt gives its admission in RE', async () => {
    const [receipt] = (await parseBytes(cp932(lines), 'RECEIPTD.UKE')).receipts;
    expect(receipt!.stay).toEqual({ admittedOn: '2024-10-07', dischargedOn: '2024-10-20', dpcCode: '060035xx01000x' });
    const medical = [
      record('IR', { 1: '1', 2: '37', 3: '1', 4: '0101010', 6: '香川中央病院', 7: '202410', 8: '00' }),
      record('RE', { 1: '1', 2: '1111', 3: '202410', 4: '讃岐　一郎', 5: '1', 6: '19480510', 8: '20241003' }),
      record('RE', { 1: '2', 2: '1112', 3: '202410', 4: '讃岐　二郎', 5: '1', 6: '19500510' }),
      record('GO', { 1: '0', 2: '0', 3: '99' }),
    ];
    const [inpatient, outpatient] = (await parseBytes(cp932(medical), 'RECEIPTC.UKE')).receipts;
    expect(inpatient!.stay).toEqual({ admittedOn: '2024-10-03', dischargedOn: null, dpcCode: null });
    expect(outpatient!.stay).toBeNull();
  });
});

describe('refusals name the file, the line and the field', () => {
  const header = record('IR', { 1: '1', 2: '37', 3: '1', 4: '1234567', 6: 'テスト医院', 7: '202410' });
  const re = (birth: string) => record('RE', { 1: '1', 2: '1112', 3: '202410', 4: '香川　太郎', 5: '1', 6: birth });

  it.each([
    ['a broken date, its personal value withheld', [header, re('19XX0101')], 'RECEIPTC.UKE line 2, field 生年月日: (the value is personal data and not shown) is not a date'],
    ['a date that does not exist', [header, re('20230229')], 'RECEIPTC.UKE line 2, field 生年月日: (the value is personal data and not shown) is not a date'],
    ['a broken 診療開始日, shown', [header, re('19500101'), record('SY', { 1: '2500013', 2: '20241301' })], 'RECEIPTC.UKE line 3, field 診療開始日: 20241301 is not a date'],
    ['an unknown record id', [header, re('19500101'), 'ZZ,1,2'], 'RECEIPTC.UKE line 3: unknown record ZZ in a medical claims file'],
    ['a line that is no record', [header, re('19500101'), '12345'], 'RECEIPTC.UKE line 3: not a record'],
    ['a record outside any receipt', [header, record('SY', { 1: '2500013' })], 'RECEIPTC.UKE line 2: record SY outside a receipt'],
    ['a file that does not start with its facility', [re('19500101')], 'RECEIPTC.UKE line 1: a claims file starts with IR, YK or UK, not RE'],
    ['a missing 傷病名コード', [header, re('19500101'), record('SY', { 2: '20241001' })], 'RECEIPTC.UKE line 3, field 傷病名コード: is required but empty'],
    ['a bad 転帰区分', [header, re('19500101'), record('SY', { 1: '2500013', 3: '7' })], 'RECEIPTC.UKE line 3, field 転帰区分: 7 is not a 転帰区分'],
    ['a 負担区分 that does not exist', [header, re('19500101'), record('SI', { 1: '11', 2: 'A', 3: '111000110', 5: '291', 6: '1' })], 'RECEIPTC.UKE line 3, field 負担区分: A is not a 負担区分 code'],
    ['a 点数 that is no number', [header, re('19500101'), record('SI', { 1: '11', 3: '111000110', 5: '29a', 6: '1' })], 'RECEIPTC.UKE line 3, field 点数: 29a is not a whole number'],
  ])('%s', async (_name, lines, message) => {
    await expect(parseBytes(cp932(lines), 'RECEIPTC.UKE')).rejects.toThrow(message);
  });

  it('a day that the month lacks', async () => {
    const november = record('RE', { 1: '1', 2: '1112', 3: '202411', 4: '香川　太郎', 5: '1', 6: '19500101' });
    const lines = [header, november, record('SI', { 1: '11', 3: '111000110', 5: '291', 6: '1', 43: '1' })];
    await expect(parseBytes(cp932(lines), 'RECEIPTC.UKE')).rejects.toThrow('RECEIPTC.UKE line 3, field 31日: 2024-11 has no day 31');
  });
});
