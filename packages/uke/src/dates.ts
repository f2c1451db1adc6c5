/**
 * UKE dates: 西暦 YYYYMMDD / YYYYMM since the R02 specification, 和暦 GYYMMDD /
 * GYYMM before it (G = 年号区分: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和).
 * Results are ISO strings (YYYY-MM-DD, YYYY-MM); null means "not a date".
 */
const ERA_OFFSETS: Record<string, number> = { '1': 1867, '2': 1911, '3': 1925, '4': 1988, '5': 2018 };

export function parseUkeDate(value: string): string | null {
  // 西暦 YYYYMMDD, the usual case, read from its character codes.
  if (value.length === 8 && isDigits(value)) {
    const year = digitsAt(value, 0, 4);
    const month = digitsAt(value, 4, 6);
    const day = digitsAt(value, 6, 8);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1868) return null;
    const c = (i: number) => value.charCodeAt(i);
    return String.fromCharCode(c(0), c(1), c(2), c(3), 0x2d, c(4), c(5), 0x2d, c(6), c(7));
  }
  if (!/^[1-5]\d{6}$/.test(value)) return null;
  const year = ERA_OFFSETS[value[0]!]! + Number(value.slice(1, 3));
  const month = Number(value.slice(3, 5));
  const day = Number(value.slice(5, 7));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1868) return null;
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

export function parseUkeMonth(value: string): string | null {
  let year: number;
  let month: number;
  if (/^\d{6}$/.test(value)) {
    year = Number(value.slice(0, 4));
    month = Number(value.slice(4, 6));
  } else if (/^[1-5]\d{4}$/.test(value)) {
    year = ERA_OFFSETS[value[0]!]! + Number(value.slice(1, 3));
    month = Number(value.slice(3, 5));
  } else {
    return null;
  }
  if (month < 1 || month > 12 || year < 1868) return null;
  return `${pad4(year)}-${pad2(month)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (Number.isInteger(year) && year >= 100 && Number.isInteger(month) && month >= 1 && month <= 12) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  }
  // Anything else as Date reads it (two-digit years are 19xx, months roll over).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The ISO date of `day` in an ISO month (YYYY-MM). */
export function dayOfMonth(month: string, day: number): string {
  return `${month}-${pad2(day)}`;
}

function isDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** The number the digits from `start` to `end` write. */
function digitsAt(value: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (value.charCodeAt(i) - 0x30);
  return n;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');
