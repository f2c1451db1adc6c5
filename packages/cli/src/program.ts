import { Command, CommanderError } from 'commander';
// Each command imports its domain packages when it runs, not here: every run of
// `renkei` loads this module, and the image and exchange packages alone took
// seconds to import before a `renkei terminals list` could start.
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerDicomPeers } from './commands/dicom-peers.js';
import { registerGenerate } from './commands/generate.js';
import { registerHistory } from './commands/history.js';
import { registerIngest } from './commands/ingest.js';
import { registerMasters } from './commands/masters.js';
import { registerRetention } from './commands/retention.js';
import { registerServe } from './commands/serve.js';
import { registerTerminals } from './commands/terminals.js';
import { processIo, warn, type CliIo } from './io.js';

/** The `renkei` program, writing to and reading from `io`. */
export function renkeiProgram(io: CliIo): Command {
  const program = new Command('renkei')
    .description('Renkei (連携): regional medical information network')
    .option('--data-dir <dir>', 'data directory (default: $RENKEI_DATA_DIR, else ./data)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .exitOverride();
  registerMasters(program, io);
  registerIngest(program, io);
  registerHistory(program, io);
  registerGenerate(program, io);
  registerDemo(program, io);
  registerAudit(program, io);
  registerServe(program, io);
  registerTerminals(program, io);
  registerDicomPeers(program, io);
  registerRetention(program, io);
  return program;
}

/**
 * Runs `renkei args…` to its end and gives its exit status: 0, a refusal's
 * (one line on standard error, no stack), or Commander's for a usage error.
 */
export async function runRenkei(args: string[], io: CliIo = processIo): Promise<number> {
  try {
    await renkeiProgram(io).parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode;
    // One line, no stack: the reason and, where it helps, what to do next.
    warn(io, `renkei: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
