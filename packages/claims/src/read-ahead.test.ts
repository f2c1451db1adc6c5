import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

async function* counting(log: number[], upTo: number, failAt?: number): AsyncGenerator<number> {
  for (let i = 1; i <= upTo; i++) {
    if (i === failAt) throw new Error(`broken at ${i}`);
    log.push(i);
    yield i;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('readAhead', () => {
  it('reads ahead of the consumer, but never more than its limit', async () => {
    const produced: number[] = [];
    const reader = readAhead(counting(produced, 10), 3);
    await tick();
    expect(produced).toEqual([1, 2, 3]);
    expect(await reader.next()).toEqual({ done: false, value: 1 });
    await tick();
    expect(produced).toEqual([1, 2, 3, 4]);
    const rest: number[] = [];
    for await (const n of reader) rest.push(n);
    expect(rest).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });

  it('hands over the items before an error, then the error', async () => {
    const reader = readAhead(counting([], 10, 3), 5);
    expect((await reader.next()).value).toBe(1);
    expect((await reader.next()).value).toBe(2);
    await expect(reader.next()).rejects.toThrow('broken at 3');
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });

  it('stops reading when cancelled', async () => {
    const produced: number[] = [];
    const reader = readAhead(counting(produced, 100), 2);
    await tick();
    await reader.cancel();
    await tick();
    expect(produced).toEqual([1, 2]);
  });
});
