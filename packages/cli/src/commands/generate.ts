import type { Command } from 'commander';
import { CommandError } from '../errors.js';
import { progressBar } from '../progress.js';
import { print, type CliIo } from '../io.js';

export function registerGenerate(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('Write realistic synthetic 医科, DPC and 調剤 UKE files (for the demo, tests and benchmarks)')
    .requiredOption('--persons <n>', 'number of persons', positiveInteger)
    .requiredOption('--months <n>', 'number of service months', positiveInteger)
    .requiredOption('--out <dir>', 'output directory')
    .option('--masters <dir>', 'take code names from the official masters in this directory')
    .option('--seed <n>', 'random seed (same seed, same files)', positiveInteger)
    .option('--json', 'print the counts as JSON')
    .action(async (options: { persons: number; months: number; out: string; masters?: string; seed?: number; json?: boolean }) => {
      const { generateClaims, loadMasterNames } = await import('@renkei/synthetic');
      const bar = progressBar('generate', !options.json);
      try {
        const result = await generateClaims({
          persons: options.persons,
          months: options.months,
          outDir: options.out,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.masters === undefined ? {} : { masters: await loadMasterNames(options.masters) }),
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        const counts = { files: result.files.length, receipts: result.receipts, lines: result.lines, persons: result.persons };
        print(io, options.json ? JSON.stringify(counts) : `${counts.files} files, ${counts.receipts} receipts, ${counts.lines} lines for ${counts.persons} persons in ${options.out}`);
      } finally {
        bar.stop();
      }
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CommandError(`${value} is not a positive whole number`);
  return n;
}
