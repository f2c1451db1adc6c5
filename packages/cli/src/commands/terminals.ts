import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadOrCreateNetworkCa, Refusal, type AdminScope } from '@renkei/access';
import type { AuditEvent } from '@renkei/audit';
import type { Command } from 'commander';
import { operatorContext, withContext, type CommandContext } from '../context.js';
import { CommandError } from '../errors.js';
import { print, type CliIo } from '../io.js';

/** The CLI acts as the network operator: the whole network. */
const NETWORK: AdminScope = { network: true };

export function registerTerminals(program: Command, io: CliIo): void {
  const terminals = program.command('terminals').description('Terminal certificates of the network CA: one per registered PC of a facility');

  terminals
    .command('issue')
    .description('Issue a terminal certificate for a named PC of a facility, as a password-protected PKCS#12 file; prints its serial and, unless --password was given, the generated password')
    .option('--facility <CODE>', 'the facility (10-digit 医療機関コード)')
    .option('--secretariat', "a PC of the network's secretariat (the operators log in there, and only there)")
    .requiredOption('--name <NAME>', 'the PC, as staff call it (e.g. 外来1診察室)')
    .requiredOption('--out <FILE.p12>', 'where to write the PKCS#12 file (mode 0600)')
    .option('--password <PW>', 'the PKCS#12 password (default: a generated one, printed once)')
    .option('--json', 'print {"serial","password","p12"} as JSON (p12: the path written)')
    .action(async (options: { facility?: string; secretariat?: boolean; name: string; out: string; password?: string; json?: boolean }, command: Command) => {
      if ((options.facility === undefined) === (options.secretariat !== true)) throw new CommandError('give --facility CODE, or --secretariat for a PC of the secretariat');
      if (options.facility !== undefined && !/^\d{10}$/.test(options.facility)) throw new CommandError(`--facility ${options.facility}: give the facility's 10-digit code`);
      const facilityCode = options.facility ?? null;
      if (options.name.trim() === '') throw new CommandError('--name: give the PC a name');
      if (options.password === '') throw new CommandError('--password: an empty password would leave the key unprotected');
      const out = path.resolve(options.out);
      await withContext(io, command.optsWithGlobals().dataDir, async (context) => {
        const [ca, { certifyTerminalOf, registerIssuedTerminal }] = await Promise.all([loadOrCreateNetworkCa(context.config.dataDir), import('@renkei/admin')]);
        const detail = { via: 'cli', facility: facilityCode };
        const terminal = { facilityCode, name: options.name.trim(), password: options.password, issuedBy: operatorContext().actor.actor };
        const issued = await refusedAudited(context, { action: 'terminal.issue', detail }, async () => {
          const certified = await certifyTerminalOf(context.stores.identity, ca, terminal);
          // The file is written before the terminal is registered: a terminal is never registered without its bundle.
          await writeBundle(out, certified.p12).catch((error: NodeJS.ErrnoException) => {
            throw new CommandError(`--out ${options.out}: cannot write the file (${error.code ?? error.message})`);
          });
          return context.audit.changeIdentity(operatorContext().actor, async (tx) => {
            await registerIssuedTerminal(tx, certified, terminal);
            return certified;
          }, { action: 'terminal.issue', outcome: 'allowed', detail: { ...detail, serial: certified.serial } });
        });
        if (options.json) print(io, JSON.stringify({ serial: issued.serial, password: issued.password, p12: out }));
        else {
          print(io, `serial: ${issued.serial}`);
          if (options.password === undefined) print(io, `password: ${issued.password}`);
          print(io, `written: ${out} (valid until ${issued.notAfter.toISOString().slice(0, 10)})`);
        }
      });
    });

  terminals
    .command('revoke')
    .description('Revoke a terminal certificate at once: the server refuses its next request (also while the server is running)')
    .argument('<SERIAL>', "the certificate's serial (hex, as `issue` or `list` prints it)")
    .option('--json', 'print {"serial","status"} as JSON')
    .action(async (serial: string, options: { json?: boolean }, command: Command) => {
      const { revokeTerminalInScope } = await import('@renkei/admin');
      await withContext(io, command.optsWithGlobals().dataDir, async (context) => {
        const detail = { via: 'cli', serial };
        const revoked = await refusedAudited(context, { action: 'terminal.revoke', detail }, () =>
          context.audit.changeIdentity(operatorContext().actor, (tx) =>
            revokeTerminalInScope(tx, NETWORK, serial), (r) => ({ action: 'terminal.revoke', outcome: 'allowed', detail: { ...detail, facility: r.facilityCode } }),
          ),
        );
        print(io, options.json ? JSON.stringify({ serial: revoked.serial, status: 'revoked' }) : `revoked: ${revoked.serial}`);
      });
    });

  terminals
    .command('list')
    .description('List the terminal certificates: serial, facility, PC, status (active, revoked, renewed, expired), valid until')
    .option('--facility <CODE>', "only this facility's terminals")
    .option('--json', 'print an array of {"serial","facilityCode","name","status","notAfter",…} as JSON')
    .action(async (options: { facility?: string; json?: boolean }, command: Command) => {
      const { listTerminals } = await import('@renkei/admin');
      await withContext(io, command.optsWithGlobals().dataDir, async ({ stores }) => {
        const scope: AdminScope = options.facility ? { network: false, facilityCode: options.facility } : NETWORK;
        const list = await listTerminals(stores.identity, scope);
        if (options.json) return print(io, JSON.stringify(list));
        for (const t of list) print(io, [t.serial, t.facilityCode ?? 'secretariat', t.status.padEnd(7), t.notAfter.toISOString().slice(0, 10), t.name].join('  '));
      });
    });
}

/**
 * The bundle holds a private key: it is written to a new file that only its
 * owner can read, then moved into place, so that it is never readable by
 * others, not even while it replaces an existing file with a looser mode.
 */
async function writeBundle(file: string, p12: Buffer): Promise<void> {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await writeFile(partial, p12, { mode: 0o600, flag: 'wx' });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Runs an action; a refusal goes to the audit trail and becomes the command's one-line reason. */
async function refusedAudited<T>(context: CommandContext, event: Omit<AuditEvent, 'outcome'>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Refusal || error instanceof CommandError)) throw error;
    await context.audit.record(operatorContext().actor, { ...event, outcome: 'refused', detail: { ...event.detail, reason: error instanceof Refusal ? error.code : 'output' } });
    throw new CommandError(error.message);
  }
}
