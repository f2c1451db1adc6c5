import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
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
 * codes: the large masters (傷病名 b, 診療行為 s, 医薬品 y) keep the rows whose
 * code is among `codes`, the 薬価基準 list the rows of those medicines' YJ codes,
 * and the small ones (修飾語, 特定器材, コメント) stay whole. For a test of what
 * imports a masters directory and names a few claims, without importing the
 * whole of them once more (the masters' own tests do).
 */
export async function stageMastersCutTo(codes: ReadonlySet<string>): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-masters-'));
  const files = (await readdir(SHARED_MASTERS_DIR, { withFileTypes: true })).filter((entry) => entry.isFile() && /\.(csv|txt)$/.test(entry.name)).map((entry) => entry.name);
  const field = (line: string, index: number) => line.split(',')[index]?.replace(/^"|"$/g, '');
  const yjCodes = new Set<string>();
  const cut = async (name: string, encoding: 'cp932' | 'utf8', keep: (line: string, index: number) => boolean) => {
    const lines = iconv.decode(await readFile(path.join(SHARED_MASTERS_DIR, name)), encoding).split(/\r?\n/).filter((line) => line !== '');
    const kept = lines.filter(keep);
    await writeFile(path.join(dir, name), iconv.encode(kept.map((line) => `${line}\r\n`).join(''), encoding));
    return kept;
  };
  for (const name of files.filter((n) => /^[bsy]_/.test(n))) {
    const kept = await cut(name, 'cp932', (line) => codes.has(field(line, 2) ?? ''));
    if (name.startsWith('y_')) for (const line of kept) yjCodes.add(field(line, 31) ?? '');
  }
  for (const name of files.filter((n) => /^[zct]_/.test(n))) await copyFile(path.join(SHARED_MASTERS_DIR, name), path.join(dir, name));
  // The 薬価基準 list: its header row, then the listed medicines.
  for (const name of files.filter((n) => n.startsWith('mhlw_yakka'))) await cut(name, 'utf8', (line, index) => index === 0 || yjCodes.has(field(line, 1) ?? ''));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
