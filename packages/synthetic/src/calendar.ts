/**
 * Days and months as the generator counts them. A day is a day number (days
 * since 1970-01-01, UTC) so that stays and episodes can cross month ends with
 * plain arithmetic; UKE wants 西暦 `YYYYMMDD` and `YYYYMM`, made here.
 */

const MS_PER_DAY = 86_400_000;

export interface Month {
  /** Position in the generated period, 0 = startMonth. */
  index: number;
  year: number;
  /** 1–12. */
  month: number;
  /** `YYYY-MM`, the output directory name. */
  key: string;
  /** `YYYYMM`, as 診療年月 / 請求年月 are written. */
  yyyymm: string;
  /** Day number of the 1st. */
  firstDay: number;
  length: number;
  /** `YYYYMMDD` of each day of the month, indexed by day of month (1-based). */
  dates: readonly string[];
}

export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** `YYYYMMDD` of a day number. */
export function formatDay(day: number): string {
  const date = new Date(day * MS_PER_DAY);
  return `${date.getUTCFullYear()}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}`;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (day + 4) % 7;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Parses `YYYY-MM`; the message says what was expected because it comes from an option. */
export function parseMonthKey(key: string): { year: number; month: number } {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) throw new Error(`startMonth "${key}" is not a YYYY-MM month`);
  return { year, month };
}

/** The `count` months from `year`-`month` on. */
export function monthRange(year: number, month: number, count: number): Month[] {
  const months: Month[] = [];
  for (let index = 0; index < count; index++) {
    const y = year + Math.floor((month - 1 + index) / 12);
    const m = ((month - 1 + index) % 12) + 1;
    const firstDay = dayNumber(y, m, 1);
    const length = dayNumber(y, m + 1, 1) - firstDay;
    const yyyymm = `${y}${pad2(m)}`;
    const dates = [''];
    for (let d = 1; d <= length; d++) dates.push(yyyymm + pad2(d));
    months.push({ index, year: y, month: m, key: `${y}-${pad2(m)}`, yyyymm, firstDay, length, dates });
  }
  return months;
}

/** The month after `month`, as 請求年月 (`YYYYMM`). */
export function followingYyyymm(month: Month): string {
  const total = month.year * 12 + month.month;
  return `${Math.floor(total / 12)}${pad2((total % 12) + 1)}`;
}

/** Age in whole years on day `dayOfMonth` of `month`, without building dates (it runs for every person and month). */
export function ageInMonthOn(birth: { year: number; month: number; day: number }, month: Month, dayOfMonth: number): number {
  const before = month.month < birth.month || (month.month === birth.month && dayOfMonth < birth.day);
  return month.year - birth.year - (before ? 1 : 0);
}

/** Age in whole years on `day` for someone born on `birth`. */
export function ageOn(birth: { year: number; month: number; day: number }, day: number): number {
  const date = new Date(day * MS_PER_DAY);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  return y - birth.year - (m < birth.month || (m === birth.month && d < birth.day) ? 1 : 0);
}
