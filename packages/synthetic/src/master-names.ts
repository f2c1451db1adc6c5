/**
 * Names from the official 基本マスター, for the codes of the vocabulary only.
 * Given to `generateClaims`, they replace the vocabulary's own names wherever
 * a name is written (未コード化傷病名, DPC SB 傷病名称, CD 特定器材名), so the
 * files match the masters a site has imported.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import { demoVocabulary, type VocabularyEntry, type VocabularyKind } from './vocabulary.js';

/** Code → name, per master. */
export type MasterNames = { readonly [kind in VocabularyKind]: ReadonlyMap<string, string> };

/** Where each master keeps the code and the name (0-based columns), and how its files are named. */
const masterFiles: Record<VocabularyKind, { pattern: RegExp; nameColumn: number }> = {
  b: { pattern: /^b_.*\.(txt|csv)$/i, nameColumn: 5 },
  z: { pattern: /^z_.*\.(txt|csv)$/i, nameColumn: 6 },
  s: { pattern: /^s_.*\.csv$/i, nameColumn: 4 },
  y: { pattern: /^y_.*\.csv$/i, nameColumn: 4 },
  t: { pattern: /^t_.*\.csv$/i, nameColumn: 4 },
};
const CODE_COLUMN = 2;

/** Splits one line of a master: comma-separated, fields in double quotes ("" inside a field is a quote). */
function splitMasterLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** Streams a CP932 master file row by row, so a large master never sits in memory. */
export async function forEachMasterRow(path: string, visit: (fields: string[]) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(path).pipe(iconv.decodeStream('cp932')), crlfDelay: Infinity });
  for await (const line of lines) if (line.length > 0) visit(splitMasterLine(line));
}

/**
 * The master file of `kind` in `dir`: a full file (…ALL…) when there is one,
 * else the newest by name.
 */
async function masterFile(dir: string, kind: VocabularyKind): Promise<string | null> {
  const names = (await readdir(dir)).filter((name) => masterFiles[kind].pattern.test(name)).sort();
  const full = names.filter((name) => /ALL/i.test(name));
  const chosen = (full.length > 0 ? full : names).at(-1);
  return chosen ? join(dir, chosen) : null;
}

/**
 * Loads the names of the vocabulary's codes from the b, z, s, y and t files in
 * `dir` (as published: CP932, quoted CSV, no header). Masters that are missing
 * keep the vocabulary's names; a directory with none of them is an error.
 *
 * @example
 * const masters = await loadMasterNames('/srv/masters');
 * await generateClaims({ persons: 1000, months: 12, outDir: 'out', masters });
 */
export async function loadMasterNames(dir: string): Promise<MasterNames> {
  const wanted = new Map<VocabularyKind, Set<string>>();
  for (const entry of demoVocabulary) {
    let codes = wanted.get(entry.kind);
    if (!codes) wanted.set(entry.kind, (codes = new Set()));
    codes.add(entry.code);
  }
  const result = { b: new Map(), z: new Map(), s: new Map(), y: new Map(), t: new Map() } satisfies Record<VocabularyKind, Map<string, string>>;
  let found = 0;
  for (const kind of Object.keys(masterFiles) as VocabularyKind[]) {
    const path = await masterFile(dir, kind);
    if (!path) continue;
    found++;
    const codes = wanted.get(kind) ?? new Set<string>();
    const { nameColumn } = masterFiles[kind];
    await forEachMasterRow(path, (fields) => {
      const code = fields[CODE_COLUMN] ?? '';
      const name = fields[nameColumn];
      if (codes.has(code) && name) result[kind].set(code, name);
    });
  }
  if (found === 0) throw new Error(`no master files (b_*, z_*, s_*, y_*, t_*) in ${dir}`);
  return result;
}

/** The name to write for a code: the official master's when loaded, else the vocabulary's. */
export function nameLookup(masters: MasterNames | undefined): (entry: VocabularyEntry) => string {
  if (!masters) return (entry) => entry.name;
  return (entry) => masters[entry.kind].get(entry.code) ?? entry.name;
}
