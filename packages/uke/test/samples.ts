import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { parseClaimFile, type ClaimFileItem, type ClaimFileHeader, type Receipt } from '../src/index.js';

/** The shared sample files, read where they are (they are not part of the project). */
export const samplesDir = fileURLToPath(new URL('../../../../shared/uke-samples/', import.meta.url));

export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface ParsedFile {
  header: ClaimFileHeader;
  receipts: Receipt[];
  lines: number;
}

export async function parseBytes(bytes: Uint8Array, fileName: string, chunkSize = 64 * 1024): Promise<ParsedFile> {
  const items: ClaimFileItem[] = [];
  for await (const item of parseClaimFile(chunksOf(bytes, chunkSize), { fileName })) items.push(item);
  const header = items.find((i) => i.type === 'header');
  const end = items.find((i) => i.type === 'end');
  if (!header || header.type !== 'header' || !end || end.type !== 'end') throw new Error('no header or end');
  return { header: header.header, receipts: items.flatMap((i) => (i.type === 'receipt' ? [i.receipt] : [])), lines: end.lines };
}

export async function parseSample(relative: string, chunkSize?: number): Promise<ParsedFile> {
  return parseBytes(await readFile(samplesDir + relative), relative.split('/').pop()!, chunkSize);
}

/** A small file written in the test, CP932 like the real ones. */
export function cp932(lines: string[], eol = '\r\n'): Buffer {
  return iconv.encode(lines.join(eol) + eol, 'cp932');
}

/** A record line with the given fields at their 0-based indexes (record id at 0), the rest empty. */
export function record(id: string, fields: Record<number, string>, length = 0): string {
  const size = Math.max(length, ...Object.keys(fields).map((k) => Number(k) + 1));
  const values = Array.from({ length: size }, (_, i) => (i === 0 ? id : (fields[i] ?? '')));
  return values.join(',');
}
