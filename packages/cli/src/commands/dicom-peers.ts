import type { Command } from 'commander';
import { operatorContext, withContext } from '../context.js';
import { CommandError } from '../errors.js';
import { print, type CliIo } from '../io.js';

export function registerDicomPeers(program: Command, io: CliIo): void {
  const peers = program.command('dicom-peers').description("The AE titles of facilities' PACS and modalities that may send images to the C-STORE gateway (serve --dicom-port)");
  peers
    .command('add <AE_TITLE>')
    .description('Register an AE title for a facility (again: move it, or change its address)')
    .requiredOption('--facility <CODE>', 'the facility whose images it sends (10-digit 医療機関コード)')
    .option('--address <IP>', 'the only address it may connect from (default: any)')
    .action(async (aeTitle: string, options: { facility: string; address?: string }, command: Command) => {
      if (!/^\d{10}$/.test(options.facility)) throw new CommandError(`--facility ${options.facility}: give the facility's 10-digit code`);
      await withContext(io, command.optsWithGlobals().dataDir, async (context) => {
        const known = await context.stores.identity.query('SELECT 1 FROM facilities WHERE code = $1', [options.facility]);
        if (known.rows.length === 0) throw new CommandError(`--facility ${options.facility}: no such facility in the network`);
        const { registerDicomPeer } = await import('@renkei/imaging');
        const peer = { aeTitle, facilityCode: options.facility, address: options.address ?? null };
        await context.audit
          .changeIdentity(operatorContext().actor, (tx) => registerDicomPeer(tx, peer), { action: 'dicom-peer.register', outcome: 'allowed', detail: { aeTitle: aeTitle.trim(), facility: options.facility, address: peer.address } })
          .catch((error: unknown) => {
            throw new CommandError(error instanceof Error ? error.message : String(error));
          });
        print(io, `${aeTitle.trim()}: registered for ${options.facility}${peer.address ? ` (from ${peer.address} only)` : ''}`);
      });
    });
}
