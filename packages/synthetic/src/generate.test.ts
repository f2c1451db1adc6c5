import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClaims, type GenerateResult } from './generate.js';
import type { MasterNames } from './master-names.js';
import { demoVocabulary } from './vocabulary.js';

/** A claims file read back: split on CR LF, fields split on commas, grouped into receipts. */
interface ReadFile {
  /** `YYYY-MM` of its directory. */
  month: string;
  facility: string;
  name: string;
  bytes: Buffer;
  header: string[];
  receipts: string[][][];
  trailer: string[];
}

function readClaims(bytes: Buffer, path: string, outDir: string): ReadFile {
  const [month = '', facility = '', name = ''] = relative(outDir, path).split(sep);
  const text = iconv.decode(bytes, 'cp932').replace(/\x1a$/, '');
  expect(text.endsWith('\r\n'), `${path} ends with CR LF`).toBe(true);
  const lines = text.slice(0, -2).split('\r\n');
  for (const line of lines) expect(line, `${path}: no lone CR or LF`).not.toMatch(/[\r\n]/);
  const records = lines.map((line) => line.split(','));
  const receipts: string[][][] = [];
  for (const record of records.slice(1, -1)) {
    if (record[0] === 'RE') receipts.push([record]);
    else receipts[receipts.length - 1]?.push(record);
  }
  return { month, facility, name, bytes, header: records[0] ?? [], receipts, trailer: records[records.length - 1] ?? [] };
}

async function generateInto(options: { persons: number; months: number; seed: number; startMonth?: string; masters?: MasterNames }) {
  const outDir = await mkdtemp(join(tmpdir(), 'renkei-synthetic-'));
  const result = await generateClaims({ ...options, outDir });
  const files = await Promise.all(result.files.map(async (path) => readClaims(await readFile(path), path, outDir)));
  return { outDir, result, files };
}

const field = (record: string[] | undefined, index: number) => record?.[index] ?? '';
const recordsOf = (receipt: string[][], id: string) => receipt.filter((record) => record[0] === id);
const monthOf = (yyyymm: string) => `${yyyymm.slice(0, 4)}-${yyyymm.slice(4)}`;
const nextMonth = (key: string) => {
  const [year = 0, month = 0] = key.split('-').map(Number);
  return month === 12 ? `${year + 1}01` : `${year}${String(month + 1).padStart(2, '0')}`;
};

describe('generateClaims', () => {
  let fixture: Awaited<ReturnType<typeof generateInto>>;
  const dirs: string[] = [];
  const allReceipts = () => fixture.files.flatMap((file) => file.receipts.map((receipt) => ({ file, receipt })));

  beforeAll(async () => {
    fixture = await generateInto({ persons: 800, months: 8, seed: 20261 });
    dirs.push(fixture.outDir);
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per month and facility, named as real files are, ending with 2026-10 by default', () => {
    const { files, result } = fixture;
    expect(result.persons).toBe(800);
    expect(new Set(files.map((file) => file.name))).toEqual(new Set(['RECEIPTC.UKE', 'RECEIPTD.UKE', 'RECEIPTY.UKE']));
    const months = [...new Set(files.map((file) => file.month))].sort();
    expect(months).toEqual(['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    const keys = files.map((file) => `${file.month}/${file.facility}/${file.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(result.receipts).toBe(files.reduce((sum, file) => sum + file.receipts.length, 0));
    expect(result.lines).toBe(files.reduce((sum, file) => sum + 2 + file.receipts.reduce((lines, receipt) => lines + receipt.length, 0), 0));
  });

  it('writes CP932 with CR LF, and the EOF byte 0x1A only at the end of 医科 files', () => {
    for (const file of fixture.files) {
      const last = file.bytes[file.bytes.length - 1];
      if (file.name === 'RECEIPTC.UKE') expect(last, file.facility).toBe(0x1a);
      else expect(file.bytes.subarray(-2).toString('latin1'), file.facility).toBe('\r\n');
      expect(iconv.encode(iconv.decode(file.bytes, 'cp932'), 'cp932').equals(file.bytes)).toBe(true);
    }
    const names = allReceipts().map(({ receipt }) => field(receipt[0], 4));
    expect(names.every((name) => /^\S+\u3000\S+$/.test(name))).toBe(true);
    expect(allReceipts().some(({ file, receipt }) => /^[\u30a0-\u30ff]+$/.test(field(receipt[0], file.name === 'RECEIPTY.UKE' ? 41 : 36)))).toBe(true);
  });

  it('opens every file with IR or YK for its facility and closes it with GO totals (総件数: one per HO and KO record)', () => {
    for (const file of fixture.files) {
      const pharmacy = file.name === 'RECEIPTY.UKE';
      const { header, trailer, receipts } = file;
      expect(header[0]).toBe(pharmacy ? 'YK' : 'IR');
      const [prefecture, table, code, billing] = pharmacy ? [header[2], header[3], header[4], header[6]] : [header[2], header[3], header[4], header[7]];
      expect(`${prefecture}${table}${code}`).toBe(file.facility);
      expect(prefecture).toBe('37');
      expect(table).toBe(pharmacy ? '4' : '1');
      expect(billing).toBe(nextMonth(file.month));
      expect(trailer[0]).toBe('GO');
      expect(Number(trailer[1])).toBe(receipts.reduce((n, receipt) => n + recordsOf(receipt, 'HO').length + recordsOf(receipt, 'KO').length, 0));
      const points = receipts.reduce((sum, receipt) => sum + Number(field(recordsOf(receipt, 'HO')[0], 5)), 0);
      expect(Number(trailer[2])).toBe(points);
      receipts.forEach((receipt, index) => expect(field(receipt[0], 1)).toBe(String(index + 1)));
    }
  });

  it('writes every record with the same number of fields, the positions of layout.ts', () => {
    const sizes: Record<string, Record<string, number>> = {
      'RECEIPTC.UKE': { RE: 38, HO: 15, KO: 12, SN: 9, JD: 33, SY: 8, SI: 44, IY: 44, CO: 5 },
      'RECEIPTD.UKE': { RE: 38, HO: 15, KO: 12, SN: 9, JD: 33, BU: 6, SB: 8, CD: 11 },
      'RECEIPTY.UKE': { RE: 42, HO: 14, KO: 10, SN: 9, JD: 33, SH: 10, CZ: 71, IY: 10 },
    };
    const wrong = allReceipts().flatMap(({ file, receipt }) =>
      receipt.filter((record) => record.length !== sizes[file.name]?.[record[0] ?? '']).map((record) => `${file.name}: ${record.join(',')}`),
    );
    expect(wrong).toEqual([]);
  });

  it('puts 診療識別 on the first line of a group and 点数 on the last line of a unit, with day counts that add up to 回数', () => {
    const problems: string[] = [];
    let units = 0;
    for (const { receipt } of allReceipts().filter(({ file }) => file.name === 'RECEIPTC.UKE')) {
      let group = '';
      let unit: string[][] = [];
      for (const record of receipt) {
        if (!['SI', 'IY', 'CO'].includes(record[0] ?? '')) continue;
        const line = record.join(',');
        const practice = field(record, 1);
        if (practice !== '') {
          if (practice === group) problems.push(`診療識別 repeated inside its group: ${line}`);
          if (unit.length > 0) problems.push(`a group starts inside a unit: ${line}`);
          group = practice;
        }
        if (group === '') problems.push(`no 診療識別 before: ${line}`);
        unit.push(record);
        if (record[0] === 'CO') continue;
        const days = record.slice(13, 44).reduce((sum, count) => sum + Number(count || 0), 0);
        if (days !== Number(field(record, 6))) problems.push(`day columns do not add up to 回数: ${line}`);
        if (field(record, 5) === '') continue;
        const items = unit.filter((item) => item[0] !== 'CO');
        if (items.slice(0, -1).some((item) => field(item, 5) !== '')) problems.push(`点数 before the last line of a unit: ${line}`);
        if (new Set(items.map((item) => field(item, 6))).size !== 1) problems.push(`回数 differs inside a unit: ${line}`);
        units++;
        unit = [];
      }
      if (unit.length > 0) problems.push(`a unit without 点数: ${unit.map((record) => record.join(',')).join(' / ')}`);
    }
    expect(problems).toEqual([]);
    expect(units).toBeGreaterThan(1000);
  });

  it('has 医科 receipts of realistic content: 初診/再診, 医学管理, 内服 with 用法, 検査, 画像, 処置, 手術 with drugs', () => {
    const medical = allReceipts().filter(({ file }) => file.name === 'RECEIPTC.UKE');
    const practices = new Set(medical.flatMap(({ receipt }) => receipt.map((record) => (record[0] === 'SI' || record[0] === 'IY' || record[0] === 'CO' ? field(record, 1) : ''))));
    for (const practice of ['11', '12', '13', '21', '22', '23', '24', '25', '27', '33', '40', '50', '60', '70', '80']) expect(practices, practice).toContain(practice);
    const lines = medical.flatMap(({ receipt }) => receipt);
    expect(lines.some((record) => record[0] === 'SY' && field(record, 4).includes('8002') && field(record, 3) === '2')).toBe(true);
    expect(lines.some((record) => record[0] === 'SY' && field(record, 1) === '0000999' && field(record, 5) !== '')).toBe(true);
    expect(lines.some((record) => record[0] === 'IY' && field(record, 1) === '' && Number(field(record, 6)) >= 14)).toBe(true);
    const drugsIn = (practice: string) =>
      medical.some(({ receipt }) => {
        let group = '';
        return receipt.some((record) => {
          if (!['SI', 'IY', 'CO'].includes(record[0] ?? '')) return false;
          group = field(record, 1) || group;
          return record[0] === 'IY' && group === practice;
        });
      });
    expect(drugsIn('50'), 'drugs used in an operation').toBe(true);
    expect(drugsIn('33'), 'an injection with its drug').toBe(true);
    const average = medical.reduce((sum, { receipt }) => sum + receipt.length, 0) / medical.length;
    expect(average).toBeGreaterThan(12);
    expect(average).toBeLessThan(30);
  });

  it('gives pharmacy receipts the prescriber, the 剤 with 用法, the dispensing days and the drugs', () => {
    const pharmacy = allReceipts().filter(({ file }) => file.name === 'RECEIPTY.UKE');
    const medicalPatients = new Set(
      allReceipts()
        .filter(({ file }) => file.name === 'RECEIPTC.UKE')
        .map(({ file, receipt }) => `${file.facility}|${field(receipt[0], 3)}|${field(receipt[0], 4)}|${field(receipt[0], 6)}`),
    );
    expect(pharmacy.length).toBeGreaterThan(500);
    for (const { receipt } of pharmacy) {
      const re = receipt[0];
      expect(field(re, 2)).toMatch(/^4[13][12][02468]$/);
      const prescriber = `${field(re, 9)}${field(re, 10)}${field(re, 11)}`;
      expect(field(re, 12)).not.toBe('');
      expect(medicalPatients.has(`${prescriber}|${field(re, 3)}|${field(re, 4)}|${field(re, 6)}`), 'the prescription comes from a 医科 receipt').toBe(true);
      for (const sh of recordsOf(receipt, 'SH')) {
        expect(['1', '3', '5']).toContain(field(sh, 2));
        expect(field(sh, 3)).toMatch(/^\d{3}$/);
      }
      for (const cz of recordsOf(receipt, 'CZ')) {
        expect(field(cz, 2)).toMatch(new RegExp(`^${field(re, 3)}\\d\\d$`));
        expect(Number(field(cz, 3))).toBeGreaterThanOrEqual(Number(field(cz, 2)));
        expect(Number(field(cz, 5))).toBeGreaterThan(0);
      }
      expect(recordsOf(receipt, 'IY').every((iy) => /^6\d{8}$/.test(field(iy, 2)))).toBe(true);
      expect(field(recordsOf(receipt, 'HO')[0], 4)).toBe(String(new Set(recordsOf(receipt, 'CZ').map((cz) => field(cz, 4))).size));
    }
  });

  it('gives DPC receipts BU, SB with ICD-10 and CD coding lines in the order of UKE_FORMAT.md §2', () => {
    const dpc = allReceipts().filter(({ file }) => file.name === 'RECEIPTD.UKE');
    expect(dpc.length).toBeGreaterThan(0);
    const icd10 = new Map(demoVocabulary.filter((entry) => entry.kind === 'b').map((entry) => [entry.code, entry.icd10]));
    for (const { receipt } of dpc) {
      const re = receipt[0];
      expect(field(re, 2)).toMatch(/^1[13]1[13579]$/);
      const [bu] = recordsOf(receipt, 'BU');
      expect(field(bu, 1)).toMatch(/^[0-9x]{14}$/);
      expect(field(bu, 2)).toBe(field(re, 8));
      const sb = recordsOf(receipt, 'SB');
      expect(sb.map((record) => field(record, 5)).slice(0, 3)).toEqual(['01', '11', '21']);
      for (const record of sb) expect(field(record, 4)).toBe(icd10.get(field(record, 1)));
      const cd = recordsOf(receipt, 'CD');
      expect(cd.length).toBeGreaterThan(0);
      for (const record of cd) {
        expect(field(record, 1)).toMatch(new RegExp(`^${field(re, 3)}\\d\\d$`));
        expect(field(record, 5)).toMatch(/^[167]\d{8}$/);
        expect(Number(field(record, 9))).toBeGreaterThan(0);
      }
      expect(Number(field(recordsOf(receipt, 'HO')[0], 4))).toBe(new Set(cd.map((record) => field(record, 1))).size);
    }
    const average = dpc.reduce((sum, { receipt }) => sum + receipt.length, 0) / dpc.length;
    expect(average).toBeGreaterThan(40);
  });

  it('writes insurer numbers as real files do, with 枝番 in SN for most receipts', () => {
    const ho = allReceipts().map(({ receipt }) => recordsOf(receipt, 'HO')[0] ?? []);
    const insurers = new Set(ho.map((record) => field(record, 1)));
    expect(insurers).toContain('01370014');
    expect([...insurers].some((insurer) => /^ {2}37\d{4}$/.test(insurer))).toBe(true);
    expect([...insurers].some((insurer) => /^39\d{6}$/.test(insurer))).toBe(true);
    expect(ho.some((record) => /[０-９]/.test(field(record, 2) + field(record, 3)))).toBe(true);
    const withBranch = allReceipts().filter(({ receipt }) => /^\d\d$/.test(field(recordsOf(receipt, 'SN')[0], 6)));
    expect(withBranch.length / allReceipts().length).toBeGreaterThan(0.5);
  });

  it('lets family members share 記号・番号 with their own birth date and 枝番', () => {
    const members = new Map<string, Map<string, string>>();
    for (const { receipt } of allReceipts()) {
      const ho = recordsOf(receipt, 'HO')[0];
      const sn = recordsOf(receipt, 'SN')[0];
      if (!ho || !sn || field(ho, 2) === '') continue;
      const card = `${field(ho, 1)}|${field(ho, 2)}|${field(ho, 3)}`;
      const people = members.get(card) ?? new Map<string, string>();
      people.set(`${field(receipt[0], 6)}|${field(receipt[0], 5)}`, field(sn, 6));
      members.set(card, people);
    }
    const families = [...members.values()].filter((people) => people.size > 1);
    expect(families.length).toBeGreaterThan(20);
    for (const people of families) expect(new Set(people.values()).size).toBe(people.size);
  });

  it('moves some people to a new insurer from a month on', () => {
    const insurersByPerson = new Map<string, Map<string, string>>();
    for (const { receipt } of allReceipts()) {
      const re = receipt[0];
      const person = `${field(re, 4)}|${field(re, 5)}|${field(re, 6)}`;
      const byMonth = insurersByPerson.get(person) ?? new Map<string, string>();
      byMonth.set(field(re, 3), field(recordsOf(receipt, 'HO')[0], 1));
      insurersByPerson.set(person, byMonth);
    }
    const movers = [...insurersByPerson.values()].filter((byMonth) => new Set(byMonth.values()).size > 1);
    expect(movers.length).toBeGreaterThan(0);
    for (const byMonth of movers) {
      const ordered = [...byMonth].sort((a, b) => a[0].localeCompare(b[0])).map(([, insurer]) => insurer);
      const changes = ordered.filter((insurer, index) => index > 0 && insurer !== ordered[index - 1]).length;
      expect(changes, 'one change, then the new insurer from that month on').toBe(1);
    }
  });

  it('re-issues about 1% of receipts, with changed content, in a later billing month of the same facility', () => {
    const regular = new Map<string, string[][]>();
    for (const { file, receipt } of allReceipts()) {
      if (monthOf(field(receipt[0], 3)) === file.month) {
        regular.set(`${file.facility}|${file.name}|${field(receipt[0], 3)}|${field(receipt[0], 4)}|${field(receipt[0], 6)}|${receipt.length}`, receipt);
      }
    }
    const reissued = allReceipts().filter(({ file, receipt }) => monthOf(field(receipt[0], 3)) < file.month);
    expect(allReceipts().every(({ file, receipt }) => monthOf(field(receipt[0], 3)) <= file.month)).toBe(true);
    expect(reissued.length / allReceipts().length).toBeGreaterThan(0.004);
    expect(reissued.length / allReceipts().length).toBeLessThan(0.02);
    for (const { file, receipt } of reissued) {
      const originals = allReceipts().filter(
        ({ file: other, receipt: candidate }) =>
          other.facility === file.facility &&
          other.name === file.name &&
          other.month === monthOf(field(receipt[0], 3)) &&
          field(candidate[0], 4) === field(receipt[0], 4) &&
          field(candidate[0], 6) === field(receipt[0], 6),
      );
      expect(originals.length, 'the original is in the file of its own month').toBeGreaterThan(0);
      const body = (lines: string[][]) => lines.slice(1).map((record) => record.join(','));
      expect(originals.some(({ receipt: original }) => body(original).join('\n') !== body(receipt).join('\n'))).toBe(true);
    }
  });

  it('works through long periods a year at a time, re-issuing receipts of one year in the next', async () => {
    const run = await generateInto({ persons: 300, months: 14, seed: 5, startMonth: '2025-01' });
    dirs.push(run.outDir);
    expect(new Set(run.files.map((file) => file.month)).size).toBe(14);
    const acrossYears = run.files.flatMap((file) =>
      file.receipts.filter((receipt) => file.month >= '2026-01' && monthOf(field(receipt[0], 3)) <= '2025-12'),
    );
    expect(acrossYears.length).toBeGreaterThan(0);
    for (const file of run.files) expect(Number(file.trailer[1])).toBe(file.receipts.reduce((n, receipt) => n + recordsOf(receipt, 'HO').length + recordsOf(receipt, 'KO').length, 0));
  });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const first = await generateInto({ persons: 150, months: 3, seed: 42 });
    const second = await generateInto({ persons: 150, months: 3, seed: 42 });
    const other = await generateInto({ persons: 150, months: 3, seed: 43 });
    dirs.push(first.outDir, second.outDir, other.outDir);
    const contents = (run: typeof first) => run.files.map((file) => `${file.month}/${file.facility}/${file.name}:${file.bytes.toString('base64')}`);
    expect(contents(second)).toEqual(contents(first));
    expect(contents(other)).not.toEqual(contents(first));
  });

  it('writes the names of the masters it is given', async () => {
    const renamed = (kind: 'b' | 't') =>
      new Map(demoVocabulary.filter((entry) => entry.kind === kind).map((entry) => [entry.code, `${entry.name}（マスター名）`]));
    const masters: MasterNames = { b: renamed('b'), z: new Map(), s: new Map(), y: new Map(), t: renamed('t') };
    const run = await generateInto({ persons: 400, months: 6, seed: 3, masters });
    dirs.push(run.outDir);
    const lines = run.files.flatMap((file) => file.receipts.flat());
    const names = [
      ...lines.filter((record) => record[0] === 'SB').map((record) => field(record, 3)),
      ...lines.filter((record) => record[0] === 'SY' && field(record, 1) === '0000999').map((record) => field(record, 5)),
      ...lines.filter((record) => record[0] === 'CD' && field(record, 10) !== '').map((record) => field(record, 10)),
    ];
    expect(lines.some((record) => record[0] === 'SB')).toBe(true);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(/（マスター名）/);
  });

  it('refuses options it cannot honour', async () => {
    await expect(generateClaims({ persons: -1, months: 6, outDir: fixture.outDir })).rejects.toThrow(/persons/);
    await expect(generateClaims({ persons: 10, months: 0, outDir: fixture.outDir })).rejects.toThrow(/months/);
    await expect(generateClaims({ persons: 10, months: 6, outDir: fixture.outDir, startMonth: '2026/04' })).rejects.toThrow(/YYYY-MM/);
  });

  it('generates 2,000 people × 6 months in a few seconds', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'renkei-synthetic-'));
    dirs.push(outDir);
    const progress: number[] = [];
    const started = performance.now();
    const result: GenerateResult = await generateClaims({ persons: 2000, months: 6, outDir, seed: 7, onProgress: (done) => progress.push(done) });
    const seconds = (performance.now() - started) / 1000;
    console.info(`2,000 persons × 6 months: ${result.receipts} receipts, ${result.lines} lines in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(8);
    expect(result.receipts).toBeGreaterThan(5000);
    expect(progress.at(-1)).toBe(2000);
  });
});
