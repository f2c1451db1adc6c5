#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
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

const program = new Command('renkei')
  .description('Renkei (連携): regional medical information network')
  .option('--data-dir <dir>', 'data directory (default: $RENKEI_DATA_DIR, else ./data)')
  .showHelpAfterError()
  .exitOverride();

registerMasters(program);
registerIngest(program);
registerHistory(program);
registerGenerate(program);
registerDemo(program);
registerAudit(program);
registerServe(program);
registerTerminals(program);
registerDicomPeers(program);
registerRetention(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    process.exitCode = error.exitCode;
  } else {
    // One line, no stack: the reason and, where it helps, what to do next.
    console.error(`renkei: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
