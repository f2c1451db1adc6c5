import type { Command } from 'commander';
import { withContext } from '../context.js';
import { progressBar } from '../progress.js';
import { print, type CliIo } from '../io.js';

export function registerMasters(program: Command, io: CliIo): void {
  const masters = program.command('masters').description('Official code masters (傷病名, 修飾語, 診療行為, 医薬品, 特定器材, コメント)');
  masters
    .command('import')
    .description('Import the master files in DIR (full files and the change files in DIR/updates), as published: CP932 CSV. Files already imported are skipped.')
    .argument('<dir>', 'directory of master files (b_*.txt, z_*.txt, s_*.csv, y_*.csv, t_*.csv, c_*.csv)')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, options: { json?: boolean }, command: Command) => {
      const { importMasters } = await import('@renkei/masters');
      await withContext(io, command.optsWithGlobals().dataDir, async ({ stores }) => {
        const bar = progressBar('masters', !options.json);
        let summary;
        try {
          summary = await importMasters(stores.clinical, dir, { onProgress: (done, total) => bar.update(done, total) });
        } finally {
          bar.stop();
        }
        if (options.json) print(io, JSON.stringify(summary));
        else for (const s of summary) print(io, `${s.skipped ? '既取込' : '取込'}  ${s.file}  ${s.kind}  ${s.rows} rows`);
      });
    });
}
