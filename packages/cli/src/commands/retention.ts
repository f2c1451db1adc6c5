import path from 'node:path';
import type { Command } from 'commander';
import { operatorContext, withContext } from '../context.js';
import { print, type CliIo } from '../io.js';

export function registerRetention(program: Command, io: CliIo): void {
  const retention = program.command('retention').description('Retention of exchange items (RENKEI_RETENTION_DAYS from sending, default 365)');
  retention
    .command('run')
    .description('Delete the exchange items whose retention has ended, with their studies, files and patient; idempotent, and a run cut short is finished by the next')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--json', 'print {"deletedItems","deletedInstances","deletedBytes"} as JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const [{ retentionDays, runRetention }, { FileBlobStore, ImageArchive, ImageStudies }] = await Promise.all([import('@renkei/exchange'), import('@renkei/imaging')]);
      retentionDays(io.env); // a bad RENKEI_RETENTION_DAYS fails here, before anything is deleted
      await withContext(io, command.optsWithGlobals().dataDir, async ({ config, stores, keys, audit }) => {
        // The studies of the deleted items go from the image store (DATA/images) with them.
        const studies = new ImageStudies(new ImageArchive(stores, keys, new FileBlobStore(path.join(config.dataDir, 'images'))));
        const result = await runRetention({ stores, audit, studies }, operatorContext(), { dryRun: options.dryRun ?? false });
        if (options.json) print(io, JSON.stringify(result));
        else print(io, `${options.dryRun ? 'would delete' : 'deleted'}: ${result.deletedItems} items, ${result.deletedInstances} image instances, ${result.deletedBytes} bytes`);
      });
    });
}
