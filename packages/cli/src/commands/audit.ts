import { auditCheckpointFile, verifyAnchoredAuditTrail } from '@renkei/audit';
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { CommandError } from '../errors.js';
import { print, type CliIo } from '../io.js';

export function registerAudit(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description(
      "Check the hash chain of the whole audit trail against the server's signed checkpoints (DATA/audit/checkpoints.log and the identity store); exits non-zero if a record or a checkpoint was altered or removed",
    )
    .option('--json', 'print {"checked","ok","problem","checkpoints","checkpoint","removed"} as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withContext(io, command.optsWithGlobals().dataDir, async ({ config, stores, keys }) => {
        const result = await verifyAnchoredAuditTrail({ clinical: stores.clinical, identity: stores.identity, auditKey: keys.audit, file: auditCheckpointFile(config.dataDir) });
        if (options.json) print(io, JSON.stringify(result));
        else if (result.ok) {
          const anchor = result.checkpoint ? `, held against the checkpoint of ${result.checkpoint.at} (id ${result.checkpoint.id})` : ', no checkpoint yet';
          print(io, `audit trail intact: ${result.checked} records checked${anchor}`);
        }
        if (!result.ok) throw new CommandError(`audit trail broken after ${result.checked} records checked: ${result.problem}`);
      });
    });
}
