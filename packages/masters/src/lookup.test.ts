import type { Db, Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMasters } from './import.js';
import { createCachingMasterLookup, createMasterLookup, masterKey, type MasterRequest } from './lookup.js';
import { stageMastersDir } from './testing.js';
import { importVocabulary } from './vocabulary.js';

/** The Db, counting the statements sent through it. */
function counting(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  return {
    db: {
      ...db,
      query: (sql, params) => {
        statements++;
        return db.query(sql, params);
      },
    },
    statements: () => statements,
  };
}

describe.each(testEngines())('createMasterLookup on %s', (engine) => {
  let stores: Stores;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const staged = await stageMastersDir(['t_ALL20240315.csv', 'updates/t_20241115.csv', 'updates/t_20250228.csv']);
    remove = staged.remove;
    stores = await openTestStores(engine);
    await importMasters(stores.clinical, staged.dir);
    await importVocabulary(stores.clinical, [
      { kind: 't', code: '710010720', name: 'デモの穿刺針' },
      { kind: 'b', code: '2500013', name: '糖尿病', icd10: 'E14' },
      { kind: 'z', code: '8002', name: 'の疑い', modifierPosition: 'suffix' },
    ]);
  });
  afterAll(async () => {
    await stores?.close();
    await remove?.();
  });

  const ask = (code: string, month: string, kind: MasterRequest['kind'] = 't'): MasterRequest => ({ kind, code, month });

  it('resolves every request in one statement, by the version of each month', async () => {
    const { db, statements } = counting(stores.clinical);
    const requests = [
      ask('710010720', '2025-02'),
      ask('710010720', '2025-03'),
      ask('710010720', '2020-01'),
      ask('2500013', '2024-07', 'b'),
      ask('8002', '2024-07', 'z'),
      ask('999999999', '2024-07'),
    ];
    const entries = await createMasterLookup(db).describe(requests);
    expect(statements()).toBe(1);
    const name = (request: MasterRequest) => entries.get(masterKey(request))?.name;
    expect(name(requests[0]!)).toBe('心房中隔穿刺針・高周波型');
    expect(name(requests[1]!)).toBe('心房中隔穿刺針・高周波型・標準型');
    // Before the first version: the nearest one.
    expect(name(requests[2]!)).toBe('心房中隔穿刺針・高周波型');
    expect(entries.get('b:2500013:2024-07')).toEqual({
      name: '糖尿病',
      kana: null,
      icd10: 'E14',
      section: null,
      yjCode: null,
      genericName: null,
      unit: null,
      dosageForm: null,
      modifierPosition: null,
    });
    expect(entries.get('z:8002:2024-07')?.modifierPosition).toBe('suffix');
    expect(entries.has('t:999999999:2024-07')).toBe(false);
    expect(entries.size).toBe(5);
  });

  it('prefers the official entry over the demo one, whatever the month', async () => {
    const entries = await createMasterLookup(stores.clinical).describe([ask('710010720', '1990-01')]);
    expect(entries.get('t:710010720:1990-01')?.name).toBe('心房中隔穿刺針・高周波型');
  });

  it('still names abolished codes in months after their abolition', async () => {
    const entries = await createMasterLookup(stores.clinical).describe([ask('729920008', '2024-11'), ask('729920008', '2025-06')]);
    expect(entries.get('t:729920008:2024-11')?.name).toMatch(/^髄内釘・大腿骨頸部型/);
    expect(entries.get('t:729920008:2025-06')?.name).toBe(entries.get('t:729920008:2024-11')?.name);
  });

  it('asks nothing for no requests, and refuses a month that is not YYYY-MM', async () => {
    const { db, statements } = counting(stores.clinical);
    expect((await createMasterLookup(db).describe([])).size).toBe(0);
    expect(statements()).toBe(0);
    await expect(createMasterLookup(db).describe([ask('710010720', '2025-3')])).rejects.toThrow('month "2025-3" is not YYYY-MM');
  });

  it('caching: asks the database only for codes it has not seen, unknown ones included, until the entries expire', async () => {
    const { db, statements } = counting(stores.clinical);
    const lookup = createCachingMasterLookup(db, { ttlMs: 60_000 });
    const first = await lookup.describe([ask('710010720', '2025-02'), ask('999999999', '2024-07')]);
    expect(statements()).toBe(1);
    const again = await lookup.describe([ask('710010720', '2025-02'), ask('999999999', '2024-07')]);
    expect(statements()).toBe(1);
    expect(again).toEqual(first);
    expect(again.has(masterKey(ask('999999999', '2024-07')))).toBe(false);
    await lookup.describe([ask('710010720', '2025-02'), ask('2500013', '2024-07', 'b')]);
    expect(statements()).toBe(2);

    const expiring = createCachingMasterLookup(db, { ttlMs: 0 });
    await expiring.describe([ask('710010720', '2025-02')]);
    await expiring.describe([ask('710010720', '2025-02')]);
    expect(statements()).toBe(4);
  });
});

describe.each(testEngines())('importVocabulary on %s', (engine) => {
  let stores: Stores;
  afterAll(async () => stores?.close());

  it('stores demo entries once, valid at all times', async () => {
    stores = await openTestStores(engine);
    const vocabulary = [{ kind: 'b' as const, code: '2500013', name: '糖尿病', icd10: 'E14' }];
    expect(await importVocabulary(stores.clinical, vocabulary)).toBe(1);
    expect(await importVocabulary(stores.clinical, vocabulary)).toBe(0);
    const { rows } = await stores.clinical.query(
      `SELECT source, valid_from::text, valid_to, name, icd10 FROM master_entries WHERE kind = 'b' AND code = '2500013'`,
    );
    expect(rows).toEqual([{ source: 'demo', valid_from: '0001-01-01', valid_to: null, name: '糖尿病', icd10: 'E14' }]);
  });

});
