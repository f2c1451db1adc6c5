import { describe, expect, it } from 'vitest';
import { MONTHLY_BASE_FEE_YEN, monthDays, monthlyFeeYen, participatedIn, type StatusChange } from './fees.js';

const applied = (on: string): StatusChange => ({ status: 'applied', effectiveOn: on });
const active = (on: string): StatusChange => ({ status: 'active', effectiveOn: on });
const suspended = (on: string): StatusChange => ({ status: 'suspended', effectiveOn: on });
const left = (on: string): StatusChange => ({ status: 'left', effectiveOn: on });

describe('the monthly base fee', () => {
  it('is 6,500 yen, in whole yen', () => {
    expect(MONTHLY_BASE_FEE_YEN).toBe(6500);
    expect(Number.isInteger(MONTHLY_BASE_FEE_YEN)).toBe(true);
  });

  it('bills the whole month for a facility that joined on its last day', () => {
    const history = [applied('2026-01-10'), active('2026-01-31')];
    expect(monthlyFeeYen(history, '2026-01')).toBe(6500);
    expect(monthlyFeeYen(history, '2025-12')).toBe(0);
    expect(monthlyFeeYen(history, '2026-02')).toBe(6500);
  });

  it('does not bill the month of a facility that left on its 1st (a change takes effect at the start of its day), but bills the month before', () => {
    const history = [applied('2025-10-01'), active('2025-11-01'), left('2026-03-01')];
    expect(monthlyFeeYen(history, '2026-02')).toBe(6500);
    expect(monthlyFeeYen(history, '2026-03')).toBe(0);
  });

  it('bills a facility that left on the 2nd for that whole month', () => {
    expect(monthlyFeeYen([active('2025-11-01'), left('2026-03-02')], '2026-03')).toBe(6500);
  });

  it('bills one month, once, for a facility that joined and left in the same month', () => {
    const history = [applied('2026-04-01'), active('2026-04-10'), left('2026-04-20')];
    expect(monthlyFeeYen(history, '2026-04')).toBe(6500);
    expect(monthlyFeeYen(history, '2026-05')).toBe(0);
  });

  it('does not bill a facility that joined and left on the same day: it never was a participant for a day', () => {
    expect(participatedIn([applied('2026-04-01'), active('2026-04-10'), left('2026-04-10')], '2026-04')).toBe(false);
  });

  it('does not bill an out-of-prefecture application waiting for the steering committee, nor any application never active', () => {
    const pending = [applied('2025-06-01')];
    for (const month of ['2025-06', '2025-12', '2026-06']) expect(monthlyFeeYen(pending, month)).toBe(0);
    expect(monthlyFeeYen([applied('2025-06-01'), left('2025-08-15')], '2025-07')).toBe(0);
  });

  it('bills a suspended facility: a suspension stops its terminals, not its membership', () => {
    const history = [active('2025-01-01'), suspended('2026-02-01'), active('2026-05-01')];
    for (const month of ['2026-02', '2026-03', '2026-04', '2026-05']) expect(monthlyFeeYen(history, month)).toBe(6500);
  });

  it('knows the length of each month, February of a leap year too', () => {
    expect(monthDays('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(monthDays('2026-02').last).toBe('2026-02-28');
    expect(monthDays('2026-12').last).toBe('2026-12-31');
    expect(monthlyFeeYen([active('2028-02-29')], '2028-02')).toBe(6500);
  });
});
