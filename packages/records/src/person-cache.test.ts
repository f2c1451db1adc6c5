import { encryptField } from '@renkei/identity';
import { deriveServerKeys, timeOrderedId, type Db } from '@renkei/store';
import { openTestStore } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonCache } from './person-cache.js';

describe('the person cache', () => {
  const keys = deriveServerKeys(Buffer.alloc(32, 9));
  let identity: Db;
  let reads = 0;
  let counting: Db;
  const personId = timeOrderedId();
  beforeAll(async () => {
    identity = await openTestStore('pglite', 'identity');
    await identity.query("INSERT INTO persons (id, sex, birth_date_enc, birth_date_hash) VALUES ($1, 2, $2, 'x')", [personId, encryptField(keys.encryption, '1950-04-01')]);
    counting = { ...identity, query: (sql, params) => (reads++, identity.query(sql, params)) };
  });
  afterAll(() => identity?.close());

  it('reads a person once while fresh, again when stale or cleared, and never keeps one that is not there', async () => {
    const cache = new PersonCache(counting, keys, { ttlMs: 60_000 });
    expect(await cache.read(personId)).toMatchObject({ sex: 2, birthDate: '1950-04-01', pseudonyms: [] });
    await cache.read(personId);
    expect(reads).toBe(1);
    cache.clear();
    await cache.read(personId);
    expect(reads).toBe(2);
    const stale = new PersonCache(counting, keys, { ttlMs: 0 });
    await stale.read(personId);
    await stale.read(personId);
    expect(reads).toBe(4);
    expect(await cache.read(timeOrderedId())).toBeUndefined();
    const missing = timeOrderedId();
    await cache.read(missing);
    await cache.read(missing);
    expect(reads).toBe(7);
  });
});
