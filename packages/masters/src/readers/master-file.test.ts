import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { masterRow, readSharedMaster } from '../testing.js';
import type { MasterRecord } from '../model.js';
import { readMasterFile } from './master-file.js';

const byCode = (records: MasterRecord[], code: string) => records.find((record) => record.code === code);

async function* cp932(text: string): AsyncIterable<Uint8Array> {
  const bytes = new Uint8Array(iconv.encode(text, 'cp932'));
  // Plain Uint8Array chunks, split inside a multi-byte character as file chunks may be.
  yield bytes.subarray(0, 7);
  yield bytes.subarray(7);
}

async function readText(fileName: string, lines: string[]): Promise<MasterRecord[]> {
  const records: MasterRecord[] = [];
  for await (const record of readMasterFile(fileName, cp932(lines.map((line) => `${line}\r\n`).join('')))) records.push(record);
  return records;
}

/** A 40-column 医薬品 row with the given columns set. */
const drugRow = (columns: Record<number, string>, count = 40) => masterRow(count, columns);

describe('readMasterFile on the official masters', () => {
  it('reads 傷病名: ICD-10 (2013), kana, change date', async () => {
    const records = await readSharedMaster('b_20240601.txt');
    expect(records).toHaveLength(27_437);
    expect(byCode(records, '2500013')).toMatchObject({
      kind: 'b',
      role: 'entry',
      name: '糖尿病',
      kana: 'トウニョウビョウ',
      icd10: 'E14',
      changedOn: '2024-06-01',
      abolishedOn: null,
    });
    expect(byCode(records, '8848176')).toMatchObject({ listedOn: '2015-01-01', changedOn: null, icd10: 'E250', line: 2 });
    expect(byCode(records, '0000999')?.name).toBe('＊＊　未コード化傷病名　＊＊');
  });

  it('reads 修飾語 with their position: 8xxx follow the disease name', async () => {
    const records = await readSharedMaster('z_20250601.txt');
    expect(byCode(records, '8002')).toMatchObject({ name: 'の疑い', kana: 'ノウタガイ', modifierPosition: 'suffix' });
    expect(byCode(records, '3001')).toMatchObject({ name: '圧迫性', modifierPosition: 'prefix' });
    expect(byCode(records, '1001')).toMatchObject({ name: '顎', modifierPosition: 'prefix' });
    const suffixes = records.filter((record) => record.modifierPosition === 'suffix');
    expect(suffixes.every((record) => record.code.startsWith('8'))).toBe(true);
    expect(records.filter((record) => record.code.startsWith('8')).length).toBe(suffixes.length);
  });

  it('reads 診療行為 with the full name, half-width kana made full-width, and the 区分', async () => {
    const records = await readSharedMaster('s_ALL20240531.csv');
    expect(records).toHaveLength(10_133);
    expect(byCode(records, '150253010')).toMatchObject({
      name: '水晶体再建術（眼内レンズを挿入する場合）（その他のもの）',
      section: 'K282',
      changedOn: '2024-06-01',
    });
    expect(byCode(records, '111000110')).toMatchObject({ name: '初診料', kana: 'ショシンリョウ', section: 'A000' });
    // 介護 codes have '-' for alphabet: outside the lettered 区分.
    expect(byCode(records, '180703810')?.section).toBeNull();
  });

  it('reads 医薬品 of the 40-column layout: unit, 剤形, YJ code, generic name', async () => {
    const records = await readSharedMaster('y_ALL20240321.csv');
    expect(byCode(records, '610406079')).toMatchObject({
      name: 'ガスター散２％',
      kana: 'ガスターサン2%',
      unit: 'ｇ',
      dosageForm: '1',
      yjCode: '2325003B2029',
      genericName: '【般】ファモチジン散２％',
      changedOn: '2024-04-01',
    });
  });

  it('reads 医薬品 change files of the 42-column layout', async () => {
    const records = await readSharedMaster('updates/y_20240906.csv');
    expect(records).toHaveLength(2190);
    const added = records.find((record) => record.role === 'entry')!;
    expect(added).toMatchObject({ kind: 'y', changedOn: '2024-10-01' });
    expect(added.name).not.toBeNull();
    expect(added.yjCode).toMatch(/^\w{12}$/);
    // 変更 rows carry only what changed (here 選定療養区分, which Renkei does not keep).
    expect(byCode(records, '610406079')).toMatchObject({ role: 'change', name: null, unit: null, changedOn: '2024-10-01' });
  });

  it('reads 特定器材 and コメント, and abolitions in change files', async () => {
    expect(byCode(await readSharedMaster('t_ALL20240315.csv'), '700010000')).toMatchObject({ name: 'フィルム・半切', unit: '枚' });
    const comments = await readSharedMaster('c_ALL20230801.csv');
    expect(byCode(comments, '820100001')).toMatchObject({
      name: 'ア　初診又は再診時に行った検査、画像診断の結果のみを聞きに来院',
      changedOn: '2022-04-01',
    });
    expect(byCode(comments, '810000001')?.name).toBe('');
    expect(byCode(await readSharedMaster('updates/t_20241115.csv'), '710010894')).toBeUndefined();
    const abolished = (await readSharedMaster('updates/t_20240830.csv')).filter((record) => record.role === 'abolition');
    expect(abolished.map((record) => [record.code, record.abolishedOn])).toEqual([
      ['710010894', '2024-08-31'],
      ['710010895', '2024-08-31'],
    ]);
  });

  it('gives a change row its one part of the 区分 when only 区分番号 changed', async () => {
    const records = await readSharedMaster('updates/s_20250630.csv');
    expect(byCode(records, '150453550')).toMatchObject({ role: 'change', section: '705', changedOn: null });
  });
});

describe('readMasterFile refuses what it cannot trust', () => {
  it('names file, line and field of a bad date', async () => {
    const good = drugRow({ 0: '0', 1: 'Y', 2: '610406079', 4: 'ガスター散２％', 29: '20240401', 30: '99999999' });
    const bad = drugRow({ 0: '0', 1: 'Y', 2: '610406080', 4: 'ガスター散１０％', 29: '2024133', 30: '99999999' });
    await expect(readText('y_ALL20240321.csv', [good, bad])).rejects.toThrow(
      'y_ALL20240321.csv line 2, field 変更年月日: 2024133 is not a date (YYYYMMDD)',
    );
  });

  it('checks マスター種別 against the file name', async () => {
    const row = drugRow({ 0: '0', 1: 'S', 2: '610406079', 4: 'ガスター散２％' });
    await expect(readText('y_ALL20240321.csv', [row])).rejects.toThrow(
      'y_ALL20240321.csv line 1, field マスター種別: "S", but the file name says 医薬品マスター ("Y")',
    );
  });

  it('refuses an unknown column count, a bad code and a nameless full entry', async () => {
    await expect(readText('y_ALL20240321.csv', [drugRow({ 0: '0', 1: 'Y', 2: '610406079', 4: 'x' }, 41)])).rejects.toThrow(
      'y_ALL20240321.csv line 1: 41 columns, but the 医薬品マスター has 40 or 42',
    );
    await expect(readText('y_ALL20240321.csv', [drugRow({ 0: '0', 1: 'Y', 2: '61040607', 4: 'x' })])).rejects.toThrow(
      'field 医薬品コード: "61040607" is not a 9-digit code',
    );
    await expect(readText('y_ALL20240321.csv', [drugRow({ 0: '0', 1: 'Y', 2: '610406079' })])).rejects.toThrow(
      'y_ALL20240321.csv line 1, field 漢字名称: empty, but a full entry needs a name',
    );
  });

  it('reports broken CSV with its line', async () => {
    const good = drugRow({ 0: '0', 1: 'Y', 2: '610406079', 4: 'ガスター散２％' });
    await expect(readText('y_ALL20240321.csv', [good, '"0","Y","610406080'])).rejects.toThrow(/^y_ALL20240321\.csv line 2: /);
  });

  it('refuses a file name that is not a master', async () => {
    await expect(readText('mhlw_yakka_kijun_list_20250716.csv', [])).rejects.toThrow('not a master file name');
  });
});
