/**
 * Dates and times as Renkei shows and prints them: Japan's (Asia/Tokyo, UTC+9
 * all year, no summer time), 西暦 first, with the 和暦 year where a Japanese
 * form expects it (birth dates). Pure: the same on the server and in the browser.
 */

const JST_OFFSET_MS = 9 * 3_600_000;

/** 2026-12-02 for an instant (ISO text or Date) as the day in Japan. */
export function formatTokyoDate(at: string | Date): string {
  return tokyoIso(at).slice(0, 10);
}

/** 2026-12-02 03:00 for an instant, in Japan's time. */
export function formatTokyoDateTime(at: string | Date): string {
  return tokyoIso(at).slice(0, 16).replace('T', ' ');
}

/** 03:00 for an instant, in Japan's time. */
export function formatTokyoTime(at: string | Date): string {
  return tokyoIso(at).slice(11, 16);
}

function tokyoIso(at: string | Date): string {
  return new Date(new Date(at).getTime() + JST_OFFSET_MS).toISOString();
}

/** The first day of each era (the Gregorian dates of 改元), latest first. */
const ERAS: ReadonlyArray<{ name: string; from: string }> = [
  { name: '令和', from: '2019-05-01' },
  { name: '平成', from: '1989-01-08' },
  { name: '昭和', from: '1926-12-25' },
  { name: '大正', from: '1912-07-30' },
  { name: '明治', from: '1868-01-25' },
];

/** 昭和22年 for 1947-07-02 (元年 for an era's first year); null before 明治. */
export function japaneseEraYear(date: string): string | null {
  const era = ERAS.find((e) => date >= e.from);
  if (!era) return null;
  const year = Number(date.slice(0, 4)) - Number(era.from.slice(0, 4)) + 1;
  return `${era.name}${year === 1 ? '元' : year}年`;
}

/** A birth date as the desk and the clinic read it: 1947-07-02（昭和22年）. */
export function formatBirthDate(date: string): string {
  const era = japaneseEraYear(date);
  return era ? `${date}（${era}）` : date;
}
