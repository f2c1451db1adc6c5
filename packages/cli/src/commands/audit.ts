import { verifyAuditTrail } from '@renkei/audit';
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { CommandError } from '../errors.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description('Check the hash chain of the whole audit trail; exits non-zero if a record was altered or removed')
    .option('--json', 'print {"checked","ok","problem"} as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withContext(command.optsWithGlobals().dataDir, async ({ stores, keys }) => {
        const result = await verifyAuditTrail(stores.clinical, keys.audit);
        if (options.json) console.log(JSON.stringify(result));
        else if (result.ok) console.log(`audit trail intact: ${result.checked} records checked`);
        if (!result.ok) throw new CommandError(`audit trail broken after ${result.checked} records checked: ${result.problem}`);
      });
    });
}
