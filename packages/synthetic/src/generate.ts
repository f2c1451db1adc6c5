/**
 * The generator's driver: people one by one, their months, the receipts, the
 * files. It works through the period in windows of a year, keeping only that
 * window's files open, so memory does not grow with the number of people and
 * the number of open files does not grow with the number of months.
 */
import { join } from 'node:path';
import { followingYyyymm, monthRange, parseMonthKey, type Month } from './calendar.js';
import { planCare } from './care-plan.js';
import { PREFECTURE, type Facility } from './facilities.js';
import { irRecord, ykRecord } from './layout.js';
import { nameLookup, type MasterNames } from './master-names.js';
import { monthClaims, type ClaimFileName } from './month-claims.js';
import { people } from './population.js';
import { hash32, hashUnit } from './random.js';
import { UkeFileWriter } from './uke-writer.js';

export interface GenerateOptions {
  persons: number;
  months: number;
  outDir: string;
  /** Same seed, same bytes. Default 1. */
  seed?: number;
  /** First 診療年月, YYYY-MM. Default: the month that makes 2026-10 the last one. */
  startMonth?: string;
  /** Names from the official masters (see `loadMasterNames`); the vocabulary's names otherwise. */
  masters?: MasterNames;
  /** Called as people are done; `total` is people × passes (one pass per 12 months). */
  onProgress?(done: number, total: number): void;
}

export interface GenerateResult {
  /** Paths of the files written, sorted. */
  files: string[];
  /** RE records written, re-issued ones included. */
  receipts: number;
  /** Lines (records) written, IR/YK and GO included. */
  lines: number;
  persons: number;
}

const WINDOW_MONTHS = 12;
const LAST_DEFAULT_MONTH = { year: 2026, month: 10 };
const STREAM_CORRECTION = 6;
/** Chance that one receipt of a person's month is re-issued: most months have no receipt, so this makes about 1% of receipts. */
const CORRECTION_SHARE = 0.03;
const MAX_CORRECTION_DELAY = 3;
const PROGRESS_EVERY = 1000;

function validate(options: GenerateOptions): void {
  const { persons, months, outDir } = options;
  if (!Number.isInteger(persons) || persons < 0) throw new Error(`persons must be a whole number ≥ 0, got ${persons}`);
  if (!Number.isInteger(months) || months < 1) throw new Error(`months must be a whole number ≥ 1, got ${months}`);
  if (typeof outDir !== 'string' || outDir === '') throw new Error('outDir must name a directory');
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new Error(`seed must be a number, got ${options.seed}`);
}

function periodOf(options: GenerateOptions): Month[] {
  if (options.startMonth !== undefined) {
    const { year, month } = parseMonthKey(options.startMonth);
    return monthRange(year, month, options.months);
  }
  const offset = LAST_DEFAULT_MONTH.year * 12 + LAST_DEFAULT_MONTH.month - 1 - (options.months - 1);
  return monthRange(Math.floor(offset / 12), (offset % 12) + 1, options.months);
}

/** Whether a person's receipts of `monthIndex` include one re-issued later, and when. */
function correctionOf(seed: number, personIndex: number, monthIndex: number): { delay: number; pick: number } | null {
  if (hashUnit(seed, STREAM_CORRECTION, personIndex, monthIndex) >= CORRECTION_SHARE) return null;
  const noise = hash32(seed, STREAM_CORRECTION, personIndex, monthIndex, 1);
  return { delay: 1 + (noise % MAX_CORRECTION_DELAY), pick: noise >>> 8 };
}

/** The files of one window of months, opened when their first receipt comes. */
class WindowFiles {
  private readonly writers = new Map<string, UkeFileWriter>();

  constructor(private readonly outDir: string) {}

  get(month: Month, facility: Facility, file: ClaimFileName): UkeFileWriter {
    const key = month.key + facility.code + file;
    let writer = this.writers.get(key);
    if (!writer) {
      const path = join(this.outDir, month.key, facility.code, file);
      const header = {
        payer: '1',
        prefecture: PREFECTURE,
        table: facility.table,
        institutionCode: facility.institutionCode,
        name: facility.name,
        billing: followingYyyymm(month),
        phone: facility.phone,
      };
      writer = new UkeFileWriter(path, file === 'RECEIPTY.UKE' ? ykRecord(header) : irRecord(header), file === 'RECEIPTC.UKE');
      this.writers.set(key, writer);
    }
    return writer;
  }

  async drained(): Promise<void> {
    for (const writer of this.writers.values()) if (writer.busy) await writer.drained();
  }

  async finish(): Promise<UkeFileWriter[]> {
    const writers = [...this.writers.values()];
    await Promise.all(writers.map((writer) => writer.finish()));
    return writers;
  }
}

/**
 * Writes a synthetic population's claims: per 診療年月 and facility, one
 * RECEIPTC.UKE (医科), RECEIPTD.UKE (DPC) or RECEIPTY.UKE (調剤) under
 * `outDir/<YYYY-MM>/<10-digit facility code>/`. About 1% of receipts are
 * re-issued in a later month's file of the same facility.
 *
 * @example
 * const result = await generateClaims({ persons: 2000, months: 6, outDir: '/tmp/claims', seed: 7 });
 * console.log(result.files.length, result.receipts);
 */
export async function generateClaims(options: GenerateOptions): Promise<GenerateResult> {
  validate(options);
  const seed = options.seed ?? 1;
  const months = periodOf(options);
  const nameOf = nameLookup(options.masters);
  const passes = Math.ceil(months.length / WINDOW_MONTHS);
  const total = options.persons * passes;
  const result: GenerateResult = { files: [], receipts: 0, lines: 0, persons: options.persons };

  for (let pass = 0; pass < passes; pass++) {
    const first = pass * WINDOW_MONTHS;
    const end = Math.min(first + WINDOW_MONTHS, months.length);
    const files = new WindowFiles(options.outDir);
    let done = 0;
    for (const person of people(seed, options.persons, months)) {
      const plan = planCare(person, months, seed);
      for (let index = Math.max(0, first - MAX_CORRECTION_DELAY); index < end; index++) {
        const month = months[index];
        if (!month) continue;
        const correction = correctionOf(seed, person.index, index);
        const target = correction ? months[index + correction.delay] : undefined;
        const reissue = correction !== null && target !== undefined && target.index >= first && target.index < end;
        if (index < first && !reissue) continue;
        const claims = monthClaims(plan, month, seed, nameOf);
        if (index >= first) for (const claim of claims) files.get(month, claim.facility, claim.file).append(claim.receipt());
        const chosen = reissue && claims.length > 0 ? claims[correction.pick % claims.length] : undefined;
        const corrected = chosen?.correction();
        if (chosen && corrected && target) files.get(target, chosen.facility, chosen.file).append(corrected);
      }
      await files.drained();
      done++;
      if (options.onProgress && done % PROGRESS_EVERY === 0) options.onProgress(pass * options.persons + done, total);
    }
    for (const writer of await files.finish()) {
      result.files.push(writer.path);
      result.receipts += writer.receipts;
      result.lines += writer.lines;
    }
    options.onProgress?.((pass + 1) * options.persons, total);
  }
  result.files.sort();
  return result;
}
