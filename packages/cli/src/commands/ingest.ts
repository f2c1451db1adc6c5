import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestResult } from '@renkei/claims';
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { progressBar } from '../progress.js';
import { print, type CliIo } from '../io.js';

interface IngestCommandOptions {
  json?: boolean;
  dryRun?: boolean;
  undo?: string;
}

export function registerIngest(program: Command, io: CliIo): void {
  program
    .command('ingest')
    .description(
      'Ingest UKE claims files (RECEIPTC/RECEIPTD/RECEIPTY; directories are searched for *.UKE). Each file commits whole or not at all, ' +
        'and only a complete one (GO last, its totals matching); the volumes of a delivery on several (01, 02, …, 99) commit together.',
    )
    .argument('[files...]', 'claims files or directories')
    .option('--json', 'print the counts as JSON')
    .option('--dry-run', 'read and check the files without storing anything, and print what they would do')
    .option('--undo <sha256>', 'undo the delivery of the file with this SHA-256: remove its receipts and restore those it replaced')
    .action(async (inputs: string[], options: IngestCommandOptions, command: Command) => {
      const { ingestClaimFiles, loadSections, undoIngest } = await import('@renkei/claims');
      if (options.undo !== undefined) {
        if (inputs.length > 0 || options.dryRun) throw new Error('--undo takes a SHA-256 and no files');
        if (!/^[0-9a-f]{64}$/.test(options.undo)) throw new Error(`--undo ${options.undo}: not a SHA-256 (64 hexadecimal digits, as ingest prints them)`);
        await withContext(io, command.optsWithGlobals().dataDir, async ({ stores, keys }) => {
          const result = await undoIngest(stores, keys, options.undo!);
          if (options.json) print(io, JSON.stringify(result));
          else print(io, `取消  ${result.files.join(', ')}  receipts removed=${result.receiptsRemoved} restored=${result.receiptsRestored}`);
        });
        return;
      }
      if (inputs.length === 0) throw new Error('ingest: give claims files or directories (or --undo SHA256)');
      const files = await expandClaimFiles(inputs);
      await withContext(io, command.optsWithGlobals().dataDir, async ({ stores, keys }) => {
        const sections = await loadSections(stores.clinical);
        const bar = progressBar('ingest', !options.json);
        let results: IngestResult[];
        try {
          results = await ingestClaimFiles(stores, keys, files, { sections, dryRun: options.dryRun === true, onFile: (_result, i) => bar.update(i + 1, files.length) });
        } finally {
          bar.stop();
        }
        if (options.dryRun) return printPlan(io, results, options.json === true);
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
          print(io, JSON.stringify({ ...totals, results }));
        } else {
          for (const r of results) {
            print(io, `${r.status === 'ingested' ? '取込' : '変更なし'}  ${r.file}${volumeOf(r)}  sha256=${r.sha256} receipts=${r.receipts} lines=${r.lines} events=${r.events} superseded=${r.superseded}`);
          }
          print(io, `${totals.files} files: ${totals.ingested} ingested, ${totals.unchanged} unchanged; ${totals.receipts} receipts, ${totals.lines} lines`);
        }
      });
    });
}

/** A dry run's findings: per file, then in total; nothing was stored. */
function printPlan(io: CliIo, results: IngestResult[], json: boolean): void {
  const keys = ['receiptsNew', 'receiptsReplaced', 'receiptsUnchanged', 'personsNew', 'personsKnown'] as const;
  const totals = Object.fromEntries(keys.map((k) => [k, results.reduce((n, r) => n + (r.plan?.[k] ?? 0), 0)])) as Record<(typeof keys)[number], number>;
  if (json) {
    print(io, JSON.stringify({ dryRun: true, files: results.length, ...totals, results }));
    return;
  }
  for (const r of results) {
    const p = r.plan;
    const counts = p ? `receipts new=${p.receiptsNew} replaced=${p.receiptsReplaced} unchanged=${p.receiptsUnchanged}; persons new=${p.personsNew} known=${p.personsKnown}` : '';
    print(io, `${r.status === 'unchanged' ? '取込済' : '確認'}  ${r.file}${volumeOf(r)}  ${counts}`);
  }
  print(
    io,
    `dry run, nothing stored: ${results.length} files; receipts ${totals.receiptsNew} new, ${totals.receiptsReplaced} replaced, ${totals.receiptsUnchanged} unchanged; ` +
      `persons ${totals.personsNew} new, ${totals.personsKnown} known`,
  );
}

function volumeOf(r: IngestResult): string {
  return r.volume === null ? '' : ` (volume ${String(r.volume).padStart(2, '0')})`;
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
