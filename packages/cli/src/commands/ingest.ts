import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ingestClaimFiles, loadSections, type IngestResult } from '@renkei/claims';
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { progressBar } from '../progress.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Ingest UKE claims files (RECEIPTC/RECEIPTD/RECEIPTY; directories are searched for *.UKE). Each file commits whole or not at all.')
    .argument('<files...>', 'claims files or directories')
    .option('--json', 'print the counts as JSON')
    .action(async (inputs: string[], options: { json?: boolean }, command: Command) => {
      const files = await expandClaimFiles(inputs);
      await withContext(command.optsWithGlobals().dataDir, async ({ stores, keys }) => {
        const sections = await loadSections(stores.clinical);
        const bar = progressBar('ingest', !options.json);
        let results: IngestResult[];
        try {
          results = await ingestClaimFiles(stores, keys, files, { sections, onFile: (_result, i) => bar.update(i + 1, files.length) });
        } finally {
          bar.stop();
        }
        const totals = {
          files: results.length,
          ingested: results.filter((r) => r.status === 'ingested').length,
          unchanged: results.filter((r) => r.status === 'unchanged').length,
          receipts: sum(results, 'receipts'),
          lines: sum(results, 'lines'),
          events: sum(results, 'events'),
          superseded: sum(results, 'superseded'),
        };
        if (options.json) {
          console.log(JSON.stringify({ ...totals, results }));
        } else {
          for (const r of results) console.log(`${r.status === 'ingested' ? '取込' : '変更なし'}  ${r.file}  receipts=${r.receipts} lines=${r.lines} events=${r.events} superseded=${r.superseded}`);
          console.log(`${totals.files} files: ${totals.ingested} ingested, ${totals.unchanged} unchanged; ${totals.receipts} receipts, ${totals.lines} lines`);
        }
      });
    });
}

/** Files as given; directories searched recursively for *.UKE, in name order. */
async function expandClaimFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new Error(`${input}: no such file or directory`);
    if (!info.isDirectory()) {
      files.push(input);
      continue;
    }
    const entries = await readdir(input, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((e) => e.isFile() && /\.uke$/i.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort(),
    );
  }
  return files;
}

function sum(results: IngestResult[], key: 'receipts' | 'lines' | 'events' | 'superseded'): number {
  return results.reduce((n, r) => n + r[key], 0);
}
