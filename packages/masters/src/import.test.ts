import type { Db, Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { importMasters } from './import.js';
import { createMasterLookup } from './lookup.js';
import { masterRow, SHARED_MASTERS_DIR, stageMastersDir } from './testing.js';

interface Version {
  valid_from: string;
  valid_to: string | null;
  name: string;
  abolished_on: string | null;
}

async function versions(db: Db, kind: string, code: string): Promise<Version[]> {
  const { rows } = await db.query<Version>(
    `SELECT valid_from::text, valid_to::text, name, abolished_on::text FROM master_entries
     WHERE kind = $1 AND code = $2 ORDER BY valid_from`,
    [kind, code],
  );
  return rows;
}

async function count(db: Db, sql: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0]!.n;
}

/** A 150-column 診療行為 row. */
const procedureRow = (columns: Record<number, string>) => masterRow(150, { 1: 'S', 87: '99999999', ...columns });
/** A 38-column 特定器材 row. */
const deviceRow = (columns: Record<number, string>) => masterRow(38, { 1: 'T', 29: '99999999', ...columns });

describe.each(testEngines())('importMasters on %s', (engine) => {
  let stores: Stores | undefined;
  let staged: { dir: string; remove(): Promise<void> } | undefined;
  afterEach(async () => {
    await stores?.close();
    await staged?.remove();
    stores = staged = undefined;
  });

  async function open(shared: string[], written: Record<string, string[]> = {}): Promise<Db> {
    staged = await stageMastersDir(shared, written);
    stores = await openTestStores(engine);
    return stores.clinical;
  }

  it('imports a full master once: the same file again is skipped', async () => {
    const db = await open(['t_ALL20240315.csv']);
    expect(await importMasters(db, staged!.dir)).toEqual([
      { file: 't_ALL20240315.csv', kind: 't', rows: 1334, skipped: false, unmatched: 0 },
    ]);
    expect(await versions(db, 't', '710010720')).toEqual([
      { valid_from: '2024-06-01', valid_to: null, name: '心房中隔穿刺針・高周波型', abolished_on: null },
    ]);
    expect(await importMasters(db, staged!.dir)).toEqual([
      { file: 't_ALL20240315.csv', kind: 't', rows: 1334, skipped: true, unmatched: 0 },
    ]);
    expect(await count(db, 'master_entries')).toBe(1334);
    expect(await count(db, 'master_files')).toBe(1);
  });

  it('applies a change file on top of the full master: a new version from its 変更年月日', async () => {
    const db = await open(['t_ALL20240315.csv', 'updates/t_20250228.csv']);
    const summaries = await importMasters(db, staged!.dir);
    expect(summaries.map((summary) => [summary.file, summary.rows])).toEqual([
      ['t_ALL20240315.csv', 1334],
      ['updates/t_20250228.csv', 19],
    ]);
    expect(await versions(db, 't', '710010720')).toEqual([
      { valid_from: '2024-06-01', valid_to: '2025-03-01', name: '心房中隔穿刺針・高周波型', abolished_on: null },
      { valid_from: '2025-03-01', valid_to: null, name: '心房中隔穿刺針・高周波型・標準型', abolished_on: null },
    ]);
    // 新規 rows add codes; 変更 rows that change only the price still make a version, with the name carried over.
    expect(await count(db, 'master_entries')).toBe(1334 + 9 + 10);
    const { rows } = await db.query<{ unit: string | null }>(
      `SELECT DISTINCT unit FROM master_entries WHERE kind = 't' AND code = '700010000'`,
    );
    expect(rows).toEqual([{ unit: '枚' }]);
  });

  it('applies 42-column 医薬品 change files on top of the 40-column full master', async () => {
    const db = await open(['y_ALL20240321.csv', 'updates/y_20241205.csv']);
    const summaries = await importMasters(db, staged!.dir);
    expect(summaries.map((summary) => summary.rows)).toEqual([19_686, 92]);
    const { rows } = await db.query(
      `SELECT valid_from::text, valid_to::text, name, generic_name, yj_code, unit FROM master_entries
       WHERE kind = 'y' AND code = '620006801' ORDER BY valid_from`,
    );
    expect(rows).toEqual([
      {
        valid_from: '2024-04-01',
        valid_to: '2024-12-06',
        name: 'スーテントカプセル１２．５ｍｇ',
        generic_name: null,
        yj_code: '4291018M1029',
        unit: 'カプセル',
      },
      {
        valid_from: '2024-12-06',
        valid_to: null,
        name: 'スーテントカプセル１２．５ｍｇ',
        generic_name: '【般】スニチニブカプセル１２．５ｍｇ',
        yj_code: '4291018M1029',
        unit: 'カプセル',
      },
    ]);
  });

  it('ends abolished codes but keeps their versions', async () => {
    const db = await open(['t_ALL20240315.csv', 'updates/t_20241115.csv']);
    await importMasters(db, staged!.dir);
    expect(await versions(db, 't', '729920008')).toEqual([
      {
        valid_from: '2024-06-01',
        valid_to: '2024-12-01',
        name: '髄内釘・大腿骨頸部型・Ｘ線透過型・指定承認番号３０４００ＢＺＸ０００８７０００',
        abolished_on: '2024-11-30',
      },
    ]);
  });

  it('corrects the latest version in place when a change row has no 変更年月日', async () => {
    const db = await open([], {
      't_ALL20240315.csv': [deviceRow({ 0: '0', 2: '700010000', 4: '半切', 9: '枚', 27: '20240601', 36: 'フィルム・半切' })],
      'updates/t_20240701.csv': [deviceRow({ 0: '5', 2: '700010000', 36: 'フィルム・半切（訂正）', 29: '' })],
    });
    await importMasters(db, staged!.dir);
    expect(await versions(db, 't', '700010000')).toEqual([
      { valid_from: '2024-06-01', valid_to: null, name: 'フィルム・半切（訂正）', abolished_on: null },
    ]);
  });

  it('completes a 区分 from the version it changes, and counts changes to unknown codes', async () => {
    const db = await open([], {
      's_ALL20240531.csv': [
        procedureRow({ 0: '0', 2: '150453550', 4: '膵嚢胞胃バイパス術', 84: 'K', 86: '20240601', 91: '703' }),
      ],
      'updates/s_20250630.csv': [
        procedureRow({ 0: '5', 2: '150453550', 86: '20250701', 87: '', 91: '705' }),
        procedureRow({ 0: '5', 2: '150999999', 86: '20250701', 87: '', 11: '100.00' }),
      ],
    });
    const summaries = await importMasters(db, staged!.dir);
    expect(summaries[1]).toMatchObject({ rows: 2, unmatched: 1 });
    const { rows } = await db.query(
      `SELECT valid_from::text, section, name FROM master_entries WHERE kind = 's' ORDER BY code, valid_from`,
    );
    expect(rows).toEqual([
      { valid_from: '2024-06-01', section: 'K703', name: '膵嚢胞胃バイパス術' },
      { valid_from: '2025-07-01', section: 'K705', name: '膵嚢胞胃バイパス術' },
    ]);
  });

  it('refuses a malformed file, naming file, line and field, and stores nothing of it', async () => {
    const db = await open([], {
      't_ALL20240315.csv': [
        deviceRow({ 0: '0', 2: '700010000', 4: '半切', 27: '20240601' }),
        deviceRow({ 0: '0', 2: '700020000', 4: '半切（２分割）', 27: '2024133' }),
      ],
    });
    await expect(importMasters(db, staged!.dir)).rejects.toThrow(
      't_ALL20240315.csv line 2, field 変更年月日: 2024133 is not a date (YYYYMMDD)',
    );
    expect(await count(db, 'master_entries')).toBe(0);
    expect(await count(db, 'master_files')).toBe(0);
  });

  it('refuses a file that lists a code twice', async () => {
    const row = deviceRow({ 0: '0', 2: '700010000', 4: '半切', 27: '20240601' });
    const db = await open([], { 't_ALL20240315.csv': [row, row] });
    await expect(importMasters(db, staged!.dir)).rejects.toThrow(
      't_ALL20240315.csv line 2, field 特定器材コード: 700010000 already on line 1',
    );
    expect(await count(db, 'master_entries')).toBe(0);
  });

  it('imports the whole shared masters directory, full masters before their changes', async () => {
    stores = await openTestStores(engine);
    const db = stores.clinical;
    const progress: Array<[number, number]> = [];
    const started = performance.now();
    const summaries = await importMasters(db, SHARED_MASTERS_DIR, { onProgress: (done, total) => progress.push([done, total]) });
    console.info(`${engine}: imported ${SHARED_MASTERS_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    expect(summaries).toHaveLength(6 + 41);
    expect(summaries.every((summary) => !summary.skipped && summary.unmatched === 0)).toBe(true);
    const files = summaries.map((summary) => summary.file);
    expect(files.indexOf('y_ALL20240321.csv')).toBeLessThan(files.indexOf('updates/y_20240417.csv'));
    expect(files.indexOf('updates/y_20240906.csv')).toBeLessThan(files.indexOf('updates/y_20240925.csv'));
    const [done, total] = progress.at(-1)!;
    expect(done).toBe(total);

    const { rows } = await db.query<{ kind: string; codes: number }>(
      `SELECT kind, count(DISTINCT code)::int AS codes FROM master_entries GROUP BY kind ORDER BY kind`,
    );
    expect(Object.fromEntries(rows.map((row) => [row.kind, row.codes]))).toMatchObject({ b: 27_437, c: 3065, z: 2375 });

    // Versions of a code follow each other: none empty, none overlapping.
    const overlaps = await count(
      db,
      `master_entries a JOIN master_entries b ON a.kind = b.kind AND a.code = b.code AND a.source = b.source
         AND a.valid_from < b.valid_from AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)`,
    );
    expect(overlaps).toBe(0);
    expect(await count(db, 'master_entries WHERE valid_to <= valid_from')).toBe(0);

    const entries = await createMasterLookup(db).describe([
      { kind: 'b', code: '2500013', month: '2024-07' },
      { kind: 'z', code: '8002', month: '2024-07' },
      { kind: 's', code: '150253010', month: '2024-07' },
      { kind: 'y', code: '610406079', month: '2024-07' },
      // 廃止 2024-07-31 (updates/y_20240731.csv): still named afterwards.
      { kind: 'y', code: '629700301', month: '2025-01' },
    ]);
    expect(entries.get('b:2500013:2024-07')).toMatchObject({ name: '糖尿病', icd10: 'E14' });
    expect(entries.get('z:8002:2024-07')).toMatchObject({ name: 'の疑い', modifierPosition: 'suffix' });
    expect(entries.get('s:150253010:2024-07')?.section).toBe('K282');
    expect(entries.get('y:610406079:2024-07')).toMatchObject({ yjCode: '2325003B2029', unit: 'ｇ', dosageForm: '1' });
    expect(entries.get('y:629700301:2025-01')?.name).toBeTruthy();
    const abolished = await versions(db, 'y', '629700301');
    expect(abolished.at(-1)).toMatchObject({ valid_to: '2024-08-01', abolished_on: '2024-07-31' });

    expect((await importMasters(db, SHARED_MASTERS_DIR)).every((summary) => summary.skipped)).toBe(true);
  });
});
