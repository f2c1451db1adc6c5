import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { CHANGE_TYPE, type Column, LAYOUTS, MASTER_TYPE, type MasterLayout } from '../layouts.js';
import { MasterFileError } from '../master-file-error.js';
import { isCalendarDate, recognizeMasterFile } from '../master-file-name.js';
import type { MasterRecord, ModifierPosition, RecordRole } from '../model.js';

/**
 * Reads one master file as published (CP932, every field quoted, CRLF, no
 * header) and yields a record per row, streaming: memory stays flat whatever
 * the file size. `fileName` is the path relative to the masters directory; it
 * says which master this is and whether it is a change file (see
 * recognizeMasterFile), and it names the file in errors.
 *
 * @example
 *   for await (const record of readMasterFile('b_20240601.txt', createReadStream(file))) {
 *     record.code; // '2500013'
 *     record.icd10; // 'E14'
 *   }
 */
export async function* readMasterFile(fileName: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<MasterRecord> {
  const recognized = recognizeMasterFile(fileName);
  if (!recognized) {
    throw new MasterFileError(
      fileName,
      null,
      null,
      'not a master file name; expected b_YYYYMMDD.txt, z_YYYYMMDD.txt, or s_, y_, t_, c_ with ALLYYYYMMDD.csv (full) or YYYYMMDD.csv (changes)',
    );
  }
  const layout = LAYOUTS[recognized.kind];
  // The last line parsed. On broken CSV the parser reports where it gave up and drops
  // rows not yet read, so the broken row is the one after this.
  let parsedLines = 0;
  const rows = parse({
    relax_column_count: true, // toRecord checks the count against the layout

    skip_empty_lines: true,
    on_record: (record: string[], { lines }) => {
      parsedLines = lines;
      return { record, line: lines } as never; // csv-parse types a record as the row it was given
    },
  });
  // Failures upstream destroy `rows` with the error, which the loop below then throws.
  pipeline(Readable.from(bytes, { objectMode: false }), iconv.decodeStream('cp932'), rows).catch(() => undefined);
  try {
    for await (const { record, line } of rows as AsyncIterable<{ record: string[]; line: number }>) {
      yield toRecord(record, line, layout, fileName, recognized.changes);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new MasterFileError(fileName, parsedLines + 1, null, `${error.message}; the file is not well-formed CSV, re-download it`);
    }
    throw error;
  } finally {
    rows.destroy();
  }
}

function toRecord(row: string[], line: number, layout: MasterLayout, file: string, changes: boolean): MasterRecord {
  const fail = (column: Column | null, problem: string) => new MasterFileError(file, line, column?.label ?? null, problem);
  if (!layout.columnCounts.includes(row.length)) {
    throw fail(
      null,
      `${row.length} columns, but the ${layout.title} has ${layout.columnCounts.join(' or ')}; ` +
        'check that this is the right file, or add its newer layout to layouts.ts',
    );
  }
  const masterType = row[MASTER_TYPE.index]!;
  if (masterType !== layout.typeLetter) {
    throw fail(
      MASTER_TYPE,
      `"${masterType}", but the file name says ${layout.title} ("${layout.typeLetter}"); rename the file or check its contents`,
    );
  }
  const changeType = row[CHANGE_TYPE.index]!;
  if (!/^\d$/.test(changeType)) throw fail(CHANGE_TYPE, `"${changeType}" is not a 変更区分 (one digit)`);
  const code = row[layout.code.index]!.trim();
  if (code.length !== layout.codeDigits || !/^\d+$/.test(code)) {
    throw fail(layout.code, `"${code}" is not a ${layout.codeDigits}-digit code`);
  }
  const role: RecordRole = !changes ? 'entry' : changeType === '9' ? 'abolition' : changeType === '3' ? 'entry' : 'change';

  const text = (column: Column | undefined): string | null => {
    if (!column) return null;
    const value = row[column.index]!.trim();
    return value === '' ? null : value;
  };
  const date = (column: Column | undefined): string | null => {
    const value = text(column);
    if (value === null || value === '99999999' || value === '00000000') return null;
    const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
    if (!/^\d{8}$/.test(value) || !isCalendarDate(iso)) throw fail(column!, `${value} is not a date (YYYYMMDD)`);
    return iso;
  };

  let name: string | null = null;
  for (const column of layout.name) name ??= text(column);
  if (name === null && role === 'entry' && !layout.nameMayBeEmpty) {
    throw fail(layout.name[0]!, 'empty, but a full entry needs a name; check that this is a full master, not a change file');
  }
  const abolishedOn = date(layout.abolishedOn);
  if (abolishedOn === null && role === 'abolition') {
    throw fail(layout.abolishedOn, 'empty in a 廃止 row (変更区分 9), which must say from when the code is abolished');
  }
  const kana = text(layout.kana);
  const modifierClass = text(layout.modifierClass);
  const position = modifierClass === null ? null : modifierPosition(modifierClass);
  if (position === undefined) {
    throw fail(
      layout.modifierClass!,
      `"${modifierClass}" is not a 修飾語区分 (A1000000 to A8000000); add the new group to readers/master-file.ts`,
    );
  }
  return {
    kind: layout.kind,
    code,
    role,
    line,
    listedOn: date(layout.listedOn),
    changedOn: date(layout.changedOn),
    abolishedOn,
    name: name === null && role === 'entry' ? '' : name,
    // Half-width in s/y/t/c, full-width in b/z: NFKC makes them one alphabet for search.
    kana: kana === null ? null : kana.normalize('NFKC'),
    icd10: text(layout.icd10),
    section: section(text(layout.sectionLetter), text(layout.sectionNumber), role),
    yjCode: text(layout.yjCode),
    genericName: text(layout.genericName),
    unit: text(layout.unit),
    dosageForm: text(layout.dosageForm),
    modifierPosition: position,
  };
}

/**
 * The 区分 as alphabet + 区分番号 (K282). '-' and '*' mark codes outside the
 * lettered 区分 (介護, 包括点数): no section. A change row may give one part
 * alone ('705' when K703 became K705); the importer completes it from the
 * version it changes.
 */
function section(letter: string | null, number: string | null, role: RecordRole): string | null {
  if (letter !== null && !/^[A-Z]$/.test(letter)) return null;
  if (role === 'entry') return letter !== null && number !== null ? letter + number : null;
  return letter === null && number === null ? null : (letter ?? '') + (number ?? '');
}

/** 修飾語区分 A8000000 (接尾語: の疑い, 術後) follows the disease name; A1–A7 precede it; undefined if unknown. */
function modifierPosition(modifierClass: string): ModifierPosition | undefined {
  const group = /^A([1-8])0{6}$/.exec(modifierClass)?.[1];
  if (group === undefined) return undefined;
  return group === '8' ? 'suffix' : 'prefix';
}
