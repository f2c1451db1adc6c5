import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@renkei/store';
import { openTestStore, testEngines } from '@renkei/store/testing';
import { hitRateLimits, slidingHits } from './rate-limits.js';

const limit = { hits: 3, seconds: 60 };
const at = (iso: string) => new Date(`2026-12-04T10:${iso}Z`);

describe.each(testEngines())('rate limits on %s', (engine) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestStore(engine, 'identity');
  });
  afterAll(() => db?.close());

  const hit = (key: string, when: Date) => hitRateLimits(db, [{ key, limit }], when);

  it('holds across the boundary of a window: a burst just before it still counts just after', async () => {
    const answers = [];
    for (const when of ['00:59.700', '00:59.800', '00:59.900', '01:00.050', '01:00.100']) answers.push(await hit('login:user:burst', at(when)));
    expect(answers).toEqual([true, true, true, false, false]);
  });

  it('lets the hits of the window before fade as it slides past them', async () => {
    for (const when of ['02:00.000', '02:00.100', '02:00.200']) expect(await hit('login:user:fade', at(when))).toBe(true);
    expect(await hit('login:user:fade', at('02:59.000'))).toBe(false);
    // Two thirds into the next window, a third of the four earlier hits (the refused one too) is left: one more fits.
    expect(await hit('login:user:fade', at('03:40.000'))).toBe(true);
    // A window later still, the earlier burst is gone.
    expect(await hit('login:user:fade', at('05:00.000'))).toBe(true);
  });

  it('counts each key apart', async () => {
    for (let i = 0; i < 3; i++) await hit('login:user:a', at('06:10.000'));
    expect(await hit('login:user:a', at('06:10.000'))).toBe(false);
    expect(await hit('login:user:b', at('06:10.000'))).toBe(true);
  });
});

describe('the sliding estimate', () => {
  it("adds the part of the window before that lies within the last window's length", () => {
    expect(slidingHits(1, 3, 0)).toBe(4);
    expect(slidingHits(1, 3, 0.5)).toBe(2.5);
    expect(slidingHits(2, 3, 1)).toBe(2);
  });
});
