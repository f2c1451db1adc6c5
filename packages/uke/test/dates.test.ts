import { describe, expect, it } from 'vitest';
import { daysInMonth, parseUkeDate, parseUkeMonth } from '../src/index.js';

describe('UKE dates', () => {
  it('reads 西暦 and 和暦 dates, and refuses days a month does not have', () => {
    expect(parseUkeDate('20240229')).toBe('2024-02-29');
    expect(parseUkeDate('20230229')).toBeNull();
    expect(parseUkeDate('20001231')).toBe('2000-12-31');
    expect(parseUkeDate('19000229')).toBeNull();
    expect(parseUkeDate('20241301')).toBeNull();
    expect(parseUkeDate('18671231')).toBeNull();
    expect(parseUkeDate('4301201')).toBe('2018-12-01');
    expect(parseUkeDate('5070101')).toBe('2025-01-01');
    expect(parseUkeDate('3630107')).toBe('1988-01-07');
    expect(parseUkeDate('2024-0101')).toBeNull();
    expect(parseUkeMonth('202410')).toBe('2024-10');
    expect(parseUkeMonth('43012')).toBe('2018-12');
  });

  it('counts the days of a month as the calendar does', () => {
    expect([2023, 2024, 1900, 2000].map((year) => daysInMonth(year, 2))).toEqual([28, 29, 28, 29]);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 12)).toBe(31);
    // Outside 1–12 the month rolls over, as Date.UTC has it.
    expect(daysInMonth(2024, 13)).toBe(31);
    expect(daysInMonth(2024, 0)).toBe(31);
  });
});
