import { describe, expect, it } from 'vitest';
import { payersOf } from './burden.js';

describe('負担区分', () => {
  it.each([
    ['1', ['insurance']],
    ['5', ['public1']],
    ['B', ['public3']],
    ['C', ['public4']],
    ['2', ['insurance', 'public1']],
    ['L', ['public3', 'public4']],
    ['4', ['insurance', 'public1', 'public2']],
    ['Z', ['public1', 'public2', 'public3', 'public4']],
    ['9', ['insurance', 'public1', 'public2', 'public3', 'public4']],
  ])('%s is borne by %j', (code, payers) => {
    expect(payersOf(code)).toEqual(payers);
  });

  it('knows all 31 combinations, each once, and nothing else', () => {
    const codes = '123456789BCEGHIJKLMNOPQRSTUVWXYZ'.split('').filter((c) => payersOf(c));
    expect(codes).toHaveLength(31);
    expect(new Set(codes.map((c) => payersOf(c)!.join('+'))).size).toBe(31);
    expect(payersOf('0')).toBeUndefined();
    expect(payersOf('A')).toBeUndefined();
  });
});
