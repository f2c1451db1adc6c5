import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPersonByMember, pseudonymsOfPerson } from '@renkei/identity';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { UkeFormatError } from '@renkei/uke';
import { ingestClaimFile, ingestClaimFiles } from '../src/index.js';

const samples = fileURLToPath(new URL('../../../../shared/uke-samples/', import.meta.url));
const receiptisan = path.join(samples, 'receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');
const keys = deriveServerKeys(Buffer.alloc(32, 7));

async function count(stores: Stores, store: 'identity' | 'clinical', table: string): Promise<number> {
  const { rows } = await stores[store].query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

/** The diagnoses of the receipts that are current (not replaced by a correction). */
async function currentDiagnoses(stores: Stores): Promise<Array<{ code: string }>> {
  const { rows } = await stores.clinical.query<{ code: string }>(
    "SELECT e.code FROM events e JOIN receipts r ON r.id = e.receipt_id WHERE e.category = 'diagnosis' AND r.superseded_by IS NULL ORDER BY e.code",
  );
  return rows;
}

/** A small 医科 file written by the test, CP932 as the real ones; its GO line gets the file's totals. */
async function writeClaims(dir: string, name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  const claims = lines.filter((l) => /^(HO|KO),/.test(l));
  const totals = lines.map((l) => (l === GO ? `GO,${claims.length},${claims.reduce((n, l) => n + Number(l.split(',')[5]), 0)},99` : l));
  await writeFile(file, iconv.encode(totals.join('\r\n') + '\r\n', 'cp932'));
  return file;
}

const IR = (billing: string) => `IR,1,37,1,1234567,,高松テスト医院,${billing},00,087-000-0000`;
const RE = (no: number, name: string, sex: string, birth: string) => `RE,${no},1112,202410,${name},${sex},${birth},,,,,,,,,,,,,,,,,,,,,,,,,,,,,,`;
const HO = (symbol: string, number: string) => `HO,06370015,${symbol},${number},1,300,,,,,,,,`;
const SN = (branch: string) => `SN,1,01,,,,${branch},,`;
const SY = (code: string, start: string, outcome = '1', modifiers = '') => `SY,${code},${start},${outcome},${modifiers},,,`;
const GO = 'GO,1,300,99';

describe.each(testEngines())('ingest on %s', (engine) => {
  let stores: Stores;
  let dir: string;
  beforeEach(async () => {
    stores = await openTestStores(engine);
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-ingest-'));
  });
  afterEach(async () => stores.close());

  it('stores a real 医科 file: persons apart from receipts, and the same file twice changes nothing', async () => {
    const first = await ingestClaimFile(stores, keys, receiptisan);
    expect(first).toMatchObject({ status: 'ingested', kind: 'medical', facilityCode: '1210000000', receipts: 75, lines: 636, superseded: 0 });
    expect(first.events).toBeGreaterThan(75);
    expect(await count(stores, 'clinical', 'receipts')).toBe(75);
    expect(await count(stores, 'clinical', 'events')).toBe(first.events);
    const persons = await count(stores, 'identity', 'persons');
    expect(persons).toBeGreaterThan(0);
    expect(persons).toBeLessThanOrEqual(75);

    const again = await ingestClaimFile(stores, keys, receiptisan);
    expect(again).toMatchObject({ status: 'unchanged', receipts: 0 });
    expect(await count(stores, 'clinical', 'receipts')).toBe(75);
    expect(await count(stores, 'clinical', 'events')).toBe(first.events);
    expect(await count(stores, 'identity', 'persons')).toBe(persons);
  });

  it('keeps names, kana, card numbers and birth dates out of the clinical store, and encrypted in the identity store', async () => {
    await ingestClaimFile(stores, keys, receiptisan);
    const clinicalDump = JSON.stringify((await stores.clinical.query('SELECT r.*, e.* FROM receipts r JOIN events e ON e.receipt_id = r.id')).rows);
    for (const personal of ['テスト　汎用', 'テストハンヨウ', '64440718', '1991-11-21', '19911121']) expect(clinicalDump).not.toContain(personal);
    const identityDump = JSON.stringify([
      ...(await stores.identity.query('SELECT * FROM persons')).rows,
      ...(await stores.identity.query('SELECT * FROM enrollments')).rows,
      ...(await stores.identity.query('SELECT * FROM person_names')).rows,
    ]);
    for (const personal of ['テスト', 'ハンヨウ', '64440718', '1991-11-21']) expect(identityDump).not.toContain(personal);
    // …yet the person is found by card and birth date, and the clinical store knows them only by pseudonym.
    const match = await findPersonByMember(stores.identity, keys, { insurerNumber: '01130012', symbol: '６４４４０７１８', number: '7', birthDate: '1991-01-25' });
    expect(match.status).toBe('found');
    const pseudonyms = await pseudonymsOfPerson(stores.identity, keys, (match as { personId: string }).personId);
    expect(await stores.clinical.query('SELECT birth_year, sex FROM receipts WHERE pseudonym = ANY($1::uuid[])', [pseudonyms])).toMatchObject({ rows: [{ birth_year: 1991, sex: 1 }] });
  });

  it('refuses a file with a broken line whole, names file, line and field, and stores nothing but the refusal in the audit trail', async () => {
    const text = iconv.decode(await readFile(receiptisan), 'cp932').replace('SY,5559001,20211001,1,,,01,', 'SY,5559001,20211301,1,,,01,');
    const broken = path.join(dir, 'RECEIPTC.UKE');
    await writeFile(broken, iconv.encode(text, 'cp932'));
    const error = await ingestClaimFile(stores, keys, broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UkeFormatError);
    expect((error as Error).message).toBe('RECEIPTC.UKE line 42, field 診療開始日: 20211301 is not a date (YYYYMMDD, or GYYMMDD in 和暦)');
    for (const [store, table] of [['clinical', 'receipts'], ['clinical', 'events'], ['clinical', 'claim_files'], ['identity', 'persons'], ['identity', 'enrollments'], ['identity', 'person_names']] as const) {
      expect(await count(stores, store, table)).toBe(0);
    }
    const audit = await stores.clinical.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_events');
    expect(audit.rows).toEqual([{ action: 'claims.ingest', outcome: 'refused' }]);
  });

  it('replaces a receipt with its correction billed later, whichever order the files arrive in', async () => {
    const original = await writeClaims(dir, 'a.UKE', [IR('202411'), RE(1, '香川　太郎', '1', '19600101'), HO('12', '34'), SY('8833421', '20241001'), GO]);
    const correction = await writeClaims(dir, 'b.UKE', [IR('202412'), RE(1, '香川　太郎', '1', '19600101'), HO('12', '34'), SY('2500013', '20241001'), GO]);
    await ingestClaimFile(stores, keys, original);
    const corrected = await ingestClaimFile(stores, keys, correction);
    expect(corrected.superseded).toBe(1);
    expect(await currentDiagnoses(stores)).toEqual([{ code: '2500013' }]);
    expect(await count(stores, 'clinical', 'receipts')).toBe(2);
    expect(await stores.clinical.query('SELECT count(*)::int AS n FROM receipts WHERE superseded_by IS NULL')).toMatchObject({ rows: [{ n: 1 }] });
    // The replaced receipt stays with its events, naming the file that replaced it.
    const replaced = await stores.clinical.query<{ code: string; sha256: string }>(
      'SELECT e.code, f.sha256 FROM receipts r JOIN events e ON e.receipt_id = r.id JOIN claim_files f ON f.id = r.superseded_in WHERE r.superseded_by IS NOT NULL',
    );
    expect(replaced.rows).toEqual([{ code: '8833421', sha256: corrected.sha256 }]);

    // The other order: the earlier billing arriving last does not undo the correction.
    const later = await openTestStores(engine);
    try {
      await ingestClaimFile(later, keys, correction);
      expect((await ingestClaimFile(later, keys, original)).superseded).toBe(1);
      expect(await currentDiagnoses(later)).toEqual([{ code: '2500013' }]);
    } finally {
      await later.close();
    }
  });

  it('tells apart family members who share one 記号・番号, and links a card first seen without 枝番 to the same person', async () => {
    const file = await writeClaims(dir, 'family.UKE', [
      IR('202411'),
      RE(1, '香川　一郎', '1', '19600101'), HO('12', '34'), SY('8833421', '20241001'),
      RE(2, '香川　花子', '2', '19620202'), HO('12', '34'), SY('8833421', '20241001'),
      GO,
    ]);
    await ingestClaimFile(stores, keys, file);
    expect(await count(stores, 'identity', 'persons')).toBe(2);
    const withBranch = await writeClaims(dir, 'branch.UKE', [IR('202412'), RE(1, '香川　一郎', '1', '19600101'), HO('12', '34'), SN('01'), SY('2500013', '20241101'), GO]);
    await ingestClaimFile(stores, keys, withBranch);
    expect(await count(stores, 'identity', 'persons')).toBe(2);
    expect(await count(stores, 'identity', 'enrollments')).toBe(3);
    const father = await findPersonByMember(stores.identity, keys, { insurerNumber: '06370015', symbol: '12', number: '34', birthDate: '1960-01-01' });
    const withItsBranch = await findPersonByMember(stores.identity, keys, { insurerNumber: '06370015', symbol: '12', number: '34', branch: '01', birthDate: '1960-01-01' });
    expect(father).toEqual(withItsBranch);
    // Two enrollments (without and with 枝番), two pseudonyms, one person: the history spans both.
    const pseudonyms = await pseudonymsOfPerson(stores.identity, keys, (father as { personId: string }).personId);
    expect(pseudonyms).toHaveLength(2);
    expect(await stores.clinical.query('SELECT count(*)::int AS n FROM receipts WHERE pseudonym = ANY($1::uuid[])', [pseudonyms])).toMatchObject({ rows: [{ n: 2 }] });
  });

  it('keeps a person across a change of name (the latest name is current)', async () => {
    const file = await writeClaims(dir, 'name.UKE', [IR('202411'), RE(1, '香川　花子', '2', '19900101'), HO('12', '35'), GO]);
    const renamed = await writeClaims(dir, 'renamed.UKE', [IR('202412'), RE(1, '高松　花子', '2', '19900101'), HO('12', '35'), GO].map((l) => l.replace('202410', '202411')));
    await ingestClaimFile(stores, keys, file);
    await ingestClaimFile(stores, keys, renamed);
    expect(await count(stores, 'identity', 'persons')).toBe(1);
    expect(await count(stores, 'identity', 'person_names')).toBe(2);
  });

  it('registers in one run what later files add: the earlier month of a late receipt, a new spelling of the name', async () => {
    const november = await writeClaims(dir, 'november.UKE', [IR('202412'), RE(1, '香川　花子', '2', '19900101'), HO('12', '35'), GO].map((l) => l.replace('202410', '202411')));
    const again = await writeClaims(dir, 'again.UKE', [IR('202501'), RE(1, '香川　花子', '2', '19900101'), HO('12', '35'), GO].map((l) => l.replace('202410', '202412')));
    const late = await writeClaims(dir, 'late.UKE', [IR('202501'), RE(1, '香川　花子', '2', '19900101'), HO('12', '35'), GO]);
    const renamed = await writeClaims(dir, 'renamed.UKE', [IR('202502'), RE(1, '高松　花子', '2', '19900101'), HO('12', '35'), GO].map((l) => l.replace('202410', '202501')));
    await ingestClaimFiles(stores, keys, [november, again, late, renamed]);
    expect(await count(stores, 'identity', 'persons')).toBe(1);
    const months = async (sql: string) => (await stores.identity.query<{ month: string }>(sql)).rows.map((r) => r.month);
    expect(await months("SELECT to_char(first_service_month, 'YYYY-MM') AS month FROM enrollments")).toEqual(['2024-10']);
    expect(await months("SELECT to_char(first_service_month, 'YYYY-MM') AS month FROM person_names ORDER BY first_service_month")).toEqual(['2024-10', '2025-01']);
  });

  it('ingests a run of files in order: a file given twice is read once, and a refusal stops the run but keeps the files before it', async () => {
    const first = await writeClaims(dir, 'first.UKE', [IR('202411'), RE(1, '香川　一郎', '1', '19600101'), HO('12', '34'), SY('8833421', '20241001'), GO]);
    const second = await writeClaims(dir, 'second.UKE', [IR('202412'), RE(1, '香川　二郎', '1', '19610101'), HO('12', '36'), SY('8833421', '20241001'), GO]);
    const broken = await writeClaims(dir, 'broken.UKE', [IR('202412'), RE(1, '香川　三郎', '1', '19621301'), HO('12', '37'), GO]);
    const results = await ingestClaimFiles(stores, keys, [first, second, first]);
    expect(results.map((r) => [path.basename(r.file), r.status, r.receipts])).toEqual([
      ['first.UKE', 'ingested', 1],
      ['second.UKE', 'ingested', 1],
      ['first.UKE', 'unchanged', 0],
    ]);
    const third = await writeClaims(dir, 'third.UKE', [IR('202501'), RE(1, '香川　四郎', '1', '19630101'), HO('12', '38'), GO]);
    await expect(ingestClaimFiles(stores, keys, [third, broken, first])).rejects.toThrow('broken.UKE line 2, field 生年月日');
    expect(await count(stores, 'clinical', 'claim_files')).toBe(3);
    expect(await count(stores, 'identity', 'persons')).toBe(3);
  });

  it('answers "ambiguous", never a guess, when twins share a card without 枝番, and finds each by 枝番', async () => {
    const twins = await writeClaims(dir, 'twins.UKE', [
      IR('202411'),
      RE(1, '香川　一郎', '1', '20200505'), HO('12', '40'), SY('8833421', '20241001'),
      RE(2, '香川　花子', '2', '20200505'), HO('12', '40'), SY('8833421', '20241001'),
      GO,
    ]);
    await ingestClaimFile(stores, keys, twins);
    const card = { insurerNumber: '06370015', symbol: '12', number: '40', birthDate: '2020-05-05' };
    expect(await findPersonByMember(stores.identity, keys, card)).toEqual({ status: 'ambiguous', count: 2 });
    expect(await findPersonByMember(stores.identity, keys, { ...card, birthDate: '2020-05-06' })).toEqual({ status: 'not-found' });
    const withBranches = await writeClaims(dir, 'twins-branches.UKE', [
      IR('202412'),
      RE(1, '香川　一郎', '1', '20200505'), HO('12', '40'), SN('03'), SY('8833421', '20241101'),
      GO,
    ]);
    await ingestClaimFile(stores, keys, withBranches);
    // The twins differ in sex: the card with 枝番 03 joins 一郎's enrollment, and the branch finds him with both.
    const ichiro = await findPersonByMember(stores.identity, keys, { ...card, branch: '03' });
    expect(ichiro).toMatchObject({ status: 'found' });
    expect(await pseudonymsOfPerson(stores.identity, keys, (ichiro as { personId: string }).personId)).toHaveLength(2);
  });
});
