import { createUser, upsertFacility } from '@renkei/access';
import type { Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisplayNames } from './display-names.js';

describe.each(testEngines())('the names boxes show on %s', (engine) => {
  let identity: Db;
  let queries = 0;
  const counted = (): Db => ({
    ...identity,
    query: (sql, params) => {
      queries++;
      return identity.query(sql, params);
    },
  });

  beforeAll(async () => {
    identity = await openTestStore(engine, 'identity');
    await upsertFacility(identity, { code: '3710100123', name: '香川中央病院', kind: 'hospital' });
    await createUser(identity, { id: 'dr-a', displayName: '讃岐 太郎', role: 'doctor', facilityCode: '3710100123', password: 'password-for-dr-a-0123' });
  });
  afterAll(() => identity.close());

  it('asks the store once a while for the same parties, and again once an entry has expired, seeing a new name then', async () => {
    let now = 0;
    const names = new DisplayNames(counted(), 60_000, () => now);
    queries = 0;
    const first = await names.of(['dr-a', 'dr-a', 'nobody'], ['3710100123 ', '3710100123']);
    expect(first.users).toEqual(new Map([['dr-a', '讃岐 太郎']]));
    expect(first.facilities).toEqual(new Map([['3710100123', '香川中央病院']]));
    expect(queries).toBe(2);

    await identity.query("UPDATE users SET display_name = '讃岐 次郎' WHERE id = 'dr-a'");
    now = 59_999;
    const cached = await names.of(['dr-a', 'nobody'], ['3710100123']);
    expect(queries).toBe(2);
    expect(cached.users.get('dr-a')).toBe('讃岐 太郎');

    now = 60_000;
    expect((await names.of(['dr-a'], [])).users.get('dr-a')).toBe('讃岐 次郎');
    expect(queries).toBe(3);
  });
});
