import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { LAYOUTS } from './layouts.js';
import { recognizeMasterFile } from './master-file-name.js';
import type { MasterRecord } from './model.js';
import { readMasterFile } from './readers/master-file.js';

/**
 * Test support. The official master files stay where they were delivered
 * (shared/masters beside the project): tests read them there or copy them
 * into temporary directories, never into the project.
 */
export const SHARED_MASTERS_DIR = fileURLToPath(new URL('../../../../shared/masters/', import.meta.url));

/** The records of a shared master file, e.g. 'updates/y_20240906.csv'. */
export async function readSharedMaster(relativePath: string): Promise<MasterRecord[]> {
  const records: MasterRecord[] = [];
  for await (const record of readMasterFile(relativePath, createReadStream(path.join(SHARED_MASTERS_DIR, relativePath)))) {
    records.push(record);
  }
  return records;
}

/** A masters directory of its own for one test: copies of shared files, and files written as CP932 text lines. */
export async function stageMastersDir(
  shared: readonly string[],
  written: Readonly<Record<string, readonly string[]>> = {},
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-masters-'));
  for (const relativePath of shared) {
    await mkdir(path.dirname(path.join(dir, relativePath)), { recursive: true });
    await copyFile(path.join(SHARED_MASTERS_DIR, relativePath), path.join(dir, relativePath));
  }
  for (const [relativePath, lines] of Object.entries(written)) {
    await mkdir(path.dirname(path.join(dir, relativePath)), { recursive: true });
    await writeFile(path.join(dir, relativePath), iconv.encode(lines.map((line) => `${line}\r\n`).join(''), 'cp932'));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A master file row of `count` columns, those given set and the rest empty, every field quoted as published. */
export function masterRow(count: number, columns: Readonly<Record<number, string>>): string {
  return Array.from({ length: count }, (_, index) => `"${columns[index] ?? ''}"`).join(',');
}

/**
 * The shared full masters (not their updates), cut to the rows of the given
 * codes: the large ones (傷病名 b, 診療行為 s, 医薬品 y) keep the rows whose code
 * is among `codes`, the small ones stay whole. For a test of what imports a
 * masters directory and names a few claims, without importing all of them once
 * more (the masters' own tests do).
 */
export async function stageMastersCutTo(codes: ReadonlySet<string>): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-masters-'));
  for (const name of await readdir(SHARED_MASTERS_DIR)) {
    const file = recognizeMasterFile(name);
    if (!file || file.changes) continue;
    const from = path.join(SHARED_MASTERS_DIR, name);
    if (!['b', 's', 'y'].includes(file.kind)) {
      await copyFile(from, path.join(dir, name));
      continue;
    }
    const { index } = LAYOUTS[file.kind].code;
    const kept = iconv
      .decode(await readFile(from), 'cp932')
      .split(/\r?\n/)
      .filter((line) => codes.has(line.split(',')[index]?.replace(/^"|"$/g, '') ?? ''));
    await writeFile(path.join(dir, name), iconv.encode(kept.map((line) => `${line}\r\n`).join(''), 'cp932'));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
