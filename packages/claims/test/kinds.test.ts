import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { ingestClaimFile } from '../src/index.js';

const samples = fileURLToPath(new URL('../../../../shared/uke-samples/', import.meta.url));
const keys = deriveServerKeys(Buffer.alloc(32, 9));

/** A record line with fields at their 0-based indexes. */
function record(id: string, fields: Record<number, string>): string {
  const size = Math.max(...Object.keys(fields).map(Number)) + 1;
  return Array.from({ length: size }, (_, i) => (i === 0 ? id : (fields[i] ?? ''))).join(',');
}

async function write(dir: string, name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, iconv.encode(lines.join('\r\n') + '\r\n', 'cp932'));
  return file;
}

describe.each(testEngines())('ingest of every kind of file on %s', (engine) => {
  let stores: Stores;
  let dir: string;
  beforeAll(async () => {
    stores = await openTestStores(engine);
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-kinds-'));
  });
  afterAll(async () => stores.close());

  const eventsOf = async (facility: string) =>
    (
      await stores.clinical.query<{ category: string; code: string; material: boolean; dates: string | null; route: string | null; days: number | null; icd10: string | null }>(
        `SELECT e.category, e.code, e.material, array_to_string(e.dates, ',') AS dates, e.route, e.days, e.icd10
           FROM events e JOIN receipts r ON r.id = e.receipt_id WHERE r.facility_code = $1 ORDER BY e.receipt_id, e.category, e.code`,
        [facility],
      )
    ).rows;

  it('ingests the old-specification 医科 files (和暦, 国保) and the 歯科 file without breaking', async () => {
    const orca = (await readdir(path.join(samples, 'orca'))).filter((f) => f.endsWith('.csv')).sort();
    let receipts = 0;
    for (const file of orca) receipts += (await ingestClaimFile(stores, keys, path.join(samples, 'orca', file))).receipts;
    expect(receipts).toBe(78);
    const dental = await stores.clinical.query<{ kind: string; n: number }>("SELECT kind, count(*)::int AS n FROM receipts WHERE facility_code = '1330012345' GROUP BY kind");
    expect(dental.rows).toEqual([{ kind: 'dental', n: 3 }]);
    const months = await stores.clinical.query<{ m: string }>("SELECT DISTINCT to_char(service_month, 'YYYY-MM') AS m FROM receipts ORDER BY 1");
    expect(months.rows.map((r) => r.m)).toEqual(['2018-11', '2019-01']);
  });

  it('ingests a 調剤 file: medications with dispensing dates, days and the prescribing facility', async () => {
    const file = await write(dir, 'RECEIPTY.UKE', [
      record('YK', { 1: '2', 2: '37', 3: '4', 4: '1234567', 5: 'さぬき薬局', 6: '202410', 7: '00' }),
      record('RE', { 1: '1', 2: '4118', 3: '202410', 4: '香川　花子', 5: '2', 6: '19520304', 9: '37', 10: '1', 11: '7654321', 12: '高松内科', 41: 'カガワハナコ' }),
      record('HO', { 1: '  370015', 2: '１２', 3: '３４５', 4: '1', 5: '812' }),
      record('SH', { 1: '01', 2: '1', 3: '006' }),
      record('CZ', { 1: '1', 2: '20241003', 3: '20241003', 4: '1', 5: '28' }),
      record('IY', { 1: '1', 2: '610463147', 3: '1', 9: '1' }),
      record('GO', { 1: '1', 2: '812', 3: '99' }),
    ]);
    await ingestClaimFile(stores, keys, file);
    expect(await eventsOf('3741234567')).toEqual([{ category: 'medication', code: '610463147', material: false, dates: '2024-10-03', route: 'oral', days: 28, icd10: null }]);
    const receipt = await stores.clinical.query('SELECT kind, prescriber_code, prescriber_name, insurer_number FROM receipts WHERE facility_code = $1', ['3741234567']);
    expect(receipt.rows).toEqual([{ kind: 'pharmacy', prescriber_code: '3717654321', prescriber_name: '高松内科', insurer_number: '370015' }]);
  });

  it('ingests a DPC file: diagnoses with their ICD-10, acts from the coding data, drugs in a surgery as its materials', async () => {
    const file = await write(dir, 'RECEIPTD.UKE', [
      record('IR', { 1: '1', 2: '37', 3: '1', 4: '0101010', 6: '香川中央病院', 7: '202410', 8: '00' }),
      record('RE', { 1: '1', 2: '1111', 3: '202410', 4: '讃岐　一郎', 5: '1', 6: '19480510', 36: 'サヌキイチロウ' }),
      record('HO', { 1: '39370014', 3: '00012345', 5: '45000' }),
      record('BU', { 1: '060035xx01000x', 2: '20241007', 3: '20241020', 4: '1' }),
      record('SB', { 1: '8833421', 4: 'C18.7', 5: '01' }),
      record('CD', { 1: '20241008', 2: '50', 3: '1', 4: '1', 5: '150154010', 7: '1', 9: '1' }),
      record('CD', { 1: '20241008', 2: '50', 3: '1', 4: '2', 5: '620000402', 6: '2', 9: '1' }),
      record('CD', { 1: '20241009', 2: '60', 3: '1', 4: '1', 5: '160000310', 9: '1' }),
      record('GO', { 1: '1', 2: '45000', 3: '99' }),
    ]);
    await ingestClaimFile(stores, keys, file);
    expect(await eventsOf('3710101010')).toEqual([
      { category: 'diagnosis', code: '8833421', material: false, dates: null, route: null, days: null, icd10: 'C187' },
      { category: 'procedure', code: '150154010', material: false, dates: '2024-10-08', route: null, days: null, icd10: null },
      { category: 'procedure', code: '620000402', material: true, dates: '2024-10-08', route: null, days: null, icd10: null },
      { category: 'test', code: '160000310', material: false, dates: '2024-10-09', route: null, days: null, icd10: null },
    ]);
  });
});
