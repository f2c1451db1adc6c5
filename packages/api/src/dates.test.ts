import { describe, expect, it } from 'vitest';
import { formatBirthDate, formatTokyoDate, formatTokyoDateTime, japaneseEraYear } from './dates.js';

describe('dates as shown and printed', () => {
  it('are Japan’s: a card issued at 03:00 JST is of that day, whatever the machine’s zone', () => {
    expect(formatTokyoDate('2026-12-01T18:00:00.000Z')).toBe('2026-12-02');
    expect(formatTokyoDateTime(new Date('2026-12-01T18:00:00Z'))).toBe('2026-12-02 03:00');
    expect(formatTokyoDate('2026-12-01T14:59:59Z')).toBe('2026-12-01');
  });

  it('give birth dates with the 和暦 year, 元年 for an era’s first year, at the day the era began', () => {
    expect(formatBirthDate('1947-07-02')).toBe('1947-07-02（昭和22年）');
    expect(japaneseEraYear('1989-01-07')).toBe('昭和64年');
    expect(japaneseEraYear('1989-01-08')).toBe('平成元年');
    expect(japaneseEraYear('2019-04-30')).toBe('平成31年');
    expect(japaneseEraYear('2019-05-01')).toBe('令和元年');
    expect(japaneseEraYear('1926-12-24')).toBe('大正15年');
    expect(formatBirthDate('2024-02-29')).toBe('2024-02-29（令和6年）');
  });
});
