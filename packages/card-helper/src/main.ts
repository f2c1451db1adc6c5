#!/usr/bin/env node
/**
 * renkei-card-helper: runs on a terminal PC with a card reader, so that the
 * Renkei web app in the browser can have the patient's My Number card sign the
 * server's challenge.
 */
import { Command, CommanderError } from 'commander';
import { createHelperServer } from './helper-server.js';
import { DEFAULT_HELPER_PORT, defaultModulePath } from './defaults.js';
import { Pkcs11Card } from './pkcs11-card.js';

const program = new Command('renkei-card-helper')
  .description('Signs Renkei challenges with the My Number card (利用者証明用電子証明書) through PKCS#11, for the browser on this PC')
  .requiredOption('--origin <url...>', 'the Renkei web app origin(s) allowed to use the card, e.g. https://renkei.example.jp')
  .option('--module <path>', 'PKCS#11 library (OpenSC)', defaultModulePath())
  .option('--port <port>', 'loopback port the web app calls', String(DEFAULT_HELPER_PORT))
  .option('--token-label <label>', 'use only the token with this label')
  .option('--certificate-label <label>', 'the user-authentication certificate label, if the card names it differently')
  .showHelpAfterError()
  .exitOverride()
  .action((options: { origin: string[]; module: string; port: string; tokenLabel?: string; certificateLabel?: string }) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${options.port} is not a port number`);
    for (const origin of options.origin) {
      if (new URL(origin).origin !== origin) throw new Error(`--origin ${origin} is not an origin (scheme://host[:port], no path)`);
    }
    let card: Pkcs11Card;
    try {
      card = new Pkcs11Card(options.module, { tokenLabel: options.tokenLabel, certificateLabel: options.certificateLabel });
    } catch (error) {
      throw new Error(`cannot load the PKCS#11 library ${options.module}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const server = createHelperServer(card, { origins: options.origin });
    // Loopback only: the card answers this PC's browser, never the network.
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      console.log(`renkei-card-helper: http://127.0.0.1:${address.port}/ (origins: ${options.origin.join(', ')})`);
    });
    const stop = () => server.close(() => card.close());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode;
  else {
    console.error(`renkei-card-helper: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
