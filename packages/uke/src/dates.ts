/**
 * UKE dates: 西暦 YYYYMMDD / YYYYMM since the R02 specification, 和暦 GYYMMDD /
 * GYYMM before it (G = 年号区分: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和).
 * Results are ISO strings (YYYY-MM-DD, YYYY-MM); null means "not a date".
 */
const ERA_OFFSETS: Record<string, number> = { '1': 1867, '2': 1911, '3': 1925, '4': 1988, '5': 2018 };

export function parseUkeDate(value: string): string | null {
  let year: number;
  let rest: string;
  if (/^\d{8}$/.test(value)) {
    year = Number(value.slice(0, 4));
    rest = value.slice(4);
  } else if (/^[1-5]\d{6}$/.test(value)) {
    year = ERA_OFFSETS[value[0]!]! + Number(value.slice(1, 3));
    rest = value.slice(3);
  } else {
    return null;
  }
  const month = Number(rest.slice(0, 2));
  const day = Number(rest.slice(2, 4));
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

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The ISO date of `day` in an ISO month (YYYY-MM). */
export function dayOfMonth(month: string, day: number): string {
  return `${month}-${pad2(day)}`;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');
