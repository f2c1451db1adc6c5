import type { PersonHistory } from '@renkei/history';
import { timeOrderedId, type Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryCache } from './history-cache.js';

const empty = (): PersonHistory => ({ diagnoses: [], medications: [], procedures: [], tests: [], stays: [], period: { from: null, to: null, latestDate: null } });

describe.each(testEngines())('the history cache on %s', (engine) => {
  let clinical: Db;
  beforeAll(async () => {
    clinical = await openTestStore(engine, 'clinical');
  });
  afterAll(() => clinical?.close());

  it('serves a person\'s history again until claims are ingested, then reads it afresh', async () => {
    const cache = new HistoryCache(clinical, { checkEveryMs: 0 });
    let loads = 0;
    const load = async () => (loads++, empty());
    await cache.read(['b', 'a'], load);
    await cache.read(['a', 'b'], load);
    expect(loads).toBe(1);
    await cache.read(['c'], load);
    expect(loads).toBe(2);
    await clinical.query(
      // A file of one volume is its own delivery.
      "INSERT INTO claim_files (id, delivery_id, sha256, file_name, kind, facility_code, receipts, lines) VALUES ($1, $1, 'x', 'RECEIPTC.UKE', 'medical', '3710100123', 0, 0)",
      [timeOrderedId()],
    );
    await cache.read(['a', 'b'], load);
    expect(loads).toBe(3);
  });

  it('keeps only the most recently used histories', async () => {
    const cache = new HistoryCache(clinical, { checkEveryMs: 0, maxEntries: 2 });
    let loads = 0;
    const load = async () => (loads++, empty());
    await cache.read(['1'], load);
    await cache.read(['2'], load);
    await cache.read(['1'], load);
    await cache.read(['3'], load); // evicts 2, the least recently used
    await cache.read(['1'], load);
    expect(loads).toBe(3);
    await cache.read(['2'], load);
    expect(loads).toBe(4);
  });
});
