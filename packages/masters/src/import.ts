import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@renkei/store';
import { recognizeMasterFile, type MasterFileName } from './master-file-name.js';
import type { MasterKind } from './model.js';
import { readMasterFile } from './readers/master-file.js';
import { applyStaged, createStaging, STAGING_COLUMNS, stagingRow } from './versions.js';

export interface ImportOptions {
  /** Bytes of master files read so far, of all found (skipped files count as read). */
  onProgress?(done: number, total: number): void;
}

export interface MasterFileSummary {
  /** Path relative to the masters directory (updates/y_20240906.csv). */
  file: string;
  kind: MasterKind;
  rows: number;
  /** Already imported: a file with the same SHA-256 is in master_files. */
  skipped: boolean;
  /** Rows naming a code with no version to change (import the full master they build on). */
  unmatched: number;
}

interface FoundFile extends MasterFileName {
  relativePath: string;
  absolutePath: string;
  size: number;
}

/** Rows per COPY: large enough to be bulk, small enough to keep memory flat. */
const COPY_BATCH_ROWS = 5000;

/**
 * Imports the official masters found in `dir` and `dir/updates/`: each file
 * in its own transaction, in the order of the dates in their names (a full
 * master before the change files that follow it). A file imported before
 * (same SHA-256) is skipped, so after a failure the files before the broken
 * one stay imported, and running again once it is fixed or removed goes on.
 *
 * @example
 *   const summaries = await importMasters(stores.clinical, '/srv/masters', {
 *     onProgress: (done, total) => bar.update(done / total),
 *   });
 */
export async function importMasters(db: Db, dir: string, options: ImportOptions = {}): Promise<MasterFileSummary[]> {
  const files = await findMasterFiles(dir);
  if (files.length === 0) {
    throw new Error(`${dir} holds no master files (b_YYYYMMDD.txt, z_YYYYMMDD.txt, s_ALLYYYYMMDD.csv, …); check the directory`);
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const advance = (bytes: number) => {
    done += bytes;
    options.onProgress?.(done, total);
  };
  const summaries: MasterFileSummary[] = [];
  for (const file of files) {
    const before = done;
    summaries.push(await importMasterFile(db, file, advance));
    const unreported = before + file.size - done; // a skipped file is not read
    if (unreported > 0) advance(unreported);
  }
  return summaries;
}

async function findMasterFiles(dir: string): Promise<FoundFile[]> {
  const updates = await readdir(path.join(dir, 'updates')).catch(noUpdates);
  const names = [...(await readdir(dir)), ...updates.map((name) => `updates/${name}`)];
  const found: FoundFile[] = [];
  for (const relativePath of names) {
    const recognized = recognizeMasterFile(relativePath);
    if (!recognized) continue;
    const absolutePath = path.join(dir, relativePath);
    const info = await stat(absolutePath);
    if (info.isFile()) found.push({ ...recognized, relativePath, absolutePath, size: info.size });
  }
  return found.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      Number(a.changes) - Number(b.changes) ||
      a.relativePath.localeCompare(b.relativePath),
  );
}

function noUpdates(error: NodeJS.ErrnoException): string[] {
  if (error.code === 'ENOENT') return [];
  throw error;
}

async function importMasterFile(db: Db, file: FoundFile, advance: (bytes: number) => void): Promise<MasterFileSummary> {
  const sha256 = await digest(file.absolutePath);
  const summary = { file: file.relativePath, kind: file.kind };
  const earlier = await importedRows(db, sha256);
  if (earlier !== null) return { ...summary, rows: earlier, skipped: true, unmatched: 0 };
  return db.transaction(async (tx) => {
    // Claims the digest first: a concurrent import of the same file waits here, then skips it.
    const claimed = await tx.query(
      `INSERT INTO master_files (sha256, file_name, kind, rows) VALUES ($1, $2, $3, 0) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      [sha256, file.relativePath, file.kind],
    );
    if (claimed.rows.length === 0) return { ...summary, rows: (await importedRows(tx, sha256)) ?? 0, skipped: true, unmatched: 0 };
    await createStaging(tx);
    let rows = 0;
    let batch = '';
    for await (const record of readMasterFile(file.relativePath, counted(createReadStream(file.absolutePath), advance))) {
      batch += stagingRow(record);
      if (++rows % COPY_BATCH_ROWS === 0) {
        await tx.copyFrom('master_staging', STAGING_COLUMNS, batch);
        batch = '';
      }
    }
    await tx.copyFrom('master_staging', STAGING_COLUMNS, batch);
    const { unmatched } = await applyStaged(tx, file.kind, file.relativePath);
    await tx.query('UPDATE master_files SET rows = $2 WHERE sha256 = $1', [sha256, rows]);
    return { ...summary, rows, skipped: false, unmatched };
  });
}

async function importedRows(db: Db, sha256: string): Promise<number | null> {
  const { rows } = await db.query<{ rows: number }>('SELECT rows FROM master_files WHERE sha256 = $1', [sha256]);
  return rows[0]?.rows ?? null;
}

async function digest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function* counted(bytes: AsyncIterable<Uint8Array>, advance: (bytes: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of bytes) {
    advance(chunk.length);
    yield chunk;
  }
}
