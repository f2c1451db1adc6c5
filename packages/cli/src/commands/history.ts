import { DEFAULT_ACCESS_LIMITS, Refusal } from '@renkei/access';
import type { Command } from 'commander';
import { operatorContext, withContext } from '../context.js';
import { CommandError } from '../errors.js';
import { formatHistory } from '../format-history.js';
import { print, type CliIo } from '../io.js';

export function registerHistory(program: Command, io: CliIo): void {
  program
    .command('history')
    .description("Show a person's history (diagnoses, medications, procedures, tests). An operator's tool: every use is audited.")
    .requiredOption('--member <INSURER:SYMBOL:NUMBER[:BRANCH]>', 'the insurance card: 保険者番号:記号:番号[:枝番]')
    .requiredOption('--birth <YYYY-MM-DD>', 'birth date')
    .option('--json', 'print {"diagnoses","medications","procedures","tests"} as JSON')
    .action(async (options: { member: string; birth: string; json?: boolean }, command: Command) => {
      const member = parseMember(options.member);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.birth) || Number.isNaN(Date.parse(options.birth))) throw new CommandError(`--birth ${options.birth}: give the birth date as YYYY-MM-DD`);
      const [{ findPersonByMember }, { createCachingMasterLookup }, { PatientRecords }] = await Promise.all([import('@renkei/identity'), import('@renkei/masters'), import('@renkei/records')]);
      await withContext(io, command.optsWithGlobals().dataDir, async ({ stores, keys, audit }) => {
        const context = operatorContext();
        const match = await findPersonByMember(stores.identity, keys, { ...member, birthDate: options.birth });
        if (match.status !== 'found') {
          await audit.record(context.actor, { action: 'history.view', outcome: 'refused', detail: { via: 'cli', reason: match.status } });
          throw new CommandError(match.status === 'ambiguous' ? 'more than one person holds this card with this birth date: give the 枝番 (INSURER:SYMBOL:NUMBER:BRANCH)' : 'no person with this card and birth date');
        }
        // Through the records service, as every reader: consent and the audit are its to check.
        const records = new PatientRecords({ stores, keys, audit, masters: createCachingMasterLookup(stores.clinical), limits: DEFAULT_ACCESS_LIMITS });
        const history = await records.historyForOperator(context, match.personId, { via: 'cli' }).catch((error: unknown) => {
          throw error instanceof Refusal ? new CommandError(error.message) : error;
        });
        // The JSON contract is the four lists; the period the viewer shows is not part of it.
        const { diagnoses, medications, procedures, tests } = history;
        print(io, options.json ? JSON.stringify({ diagnoses, medications, procedures, tests }) : formatHistory(history));
      });
    });
}

function parseMember(value: string) {
  const parts = value.split(':');
  if (parts.length < 3 || parts.length > 4 || parts[0] === '') throw new CommandError(`--member ${value}: give INSURER:SYMBOL:NUMBER or INSURER:SYMBOL:NUMBER:BRANCH`);
  const [insurerNumber, symbol, number, branch] = parts as [string, string, string, string | undefined];
  return { insurerNumber: insurerNumber.trim(), symbol, number, branch };
}
