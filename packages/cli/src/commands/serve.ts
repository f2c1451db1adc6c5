import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditCheckpoints, auditCheckpointFile } from '@renkei/audit';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { openContext, operatorContext } from '../context.js';
import { CommandError } from '../errors.js';
import { seedDemo } from './demo.js';
import { print, warn, type CliIo } from '../io.js';

const WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Serve Renkei over HTTPS: the API and the web app (production mode unless --demo)')
    .option('--port <port>', 'TCP port', '8443')
    .option('--host <host>', 'address to listen on (default: every address, IPv6 and IPv4)')
    .option('--demo', 'seed demo data if needed, and accept connections from this PC as the demo terminal')
    .option('--card-helper-url <url>', 'where browsers find the card helper (renkei-card-helper) on their PC (default: http://127.0.0.1:18411)')
    .option('--trusted-proxy <address>', 'a fronting proxy that verifies client certificates; its X-SSL-Client-* headers are trusted from this address only')
    .option('--dicom-port <port>', 'also accept images by DICOM C-STORE on this port (AE title RENKEI), from the AE titles registered with `renkei dicom-peers add`')
    .option('--prefecture <code>', "the network's prefecture (都道府県番号): facilities elsewhere join only with the steering committee's approval (default: $RENKEI_NETWORK_PREFECTURE, else 37, Kagawa)")
    .action(async (options: { port: string; host?: string; demo?: boolean; trustedProxy?: string; cardHelperUrl?: string; prefecture?: string; dicomPort?: string }, command: Command) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CommandError(`--port ${options.port} is not a port number`);
      // Loaded here, not at the top: every other command starts without the server's modules (seconds on a busy machine).
      const [{ jpkiDir, jpkiTrustFromDirectory, loadOrCreateNetworkCa, loadOrCreateServerTls }, { buildApp }, { FileBlobStore, GATEWAY_AE_TITLE, ImageArchive, ImageStudies, startCStoreGateway }, { ExchangeMailer, runRetention, scheduleRetention }] = await Promise.all([
        import('@renkei/access'),
        import('@renkei/server'),
        import('@renkei/imaging'),
        import('@renkei/exchange'),
      ]);
      const dicomPort = options.dicomPort === undefined ? undefined : Number(options.dicomPort);
      if (dicomPort !== undefined && (!Number.isInteger(dicomPort) || dicomPort < 0 || dicomPort > 65535)) throw new CommandError(`--dicom-port ${options.dicomPort} is not a port number`);
      const context = await openContext(io, command.optsWithGlobals().dataDir, { share: true });
      const { config, stores, keys } = context;
      // The audit chain, anchored outside its table while this process appends to it.
      const checkpoints = new AuditCheckpoints({
        clinical: stores.clinical,
        identity: stores.identity,
        auditKey: keys.audit,
        file: auditCheckpointFile(config.dataDir),
        onError: (error) => warn(io, `renkei: audit checkpoint failed, tried again in a minute: ${error instanceof Error ? error.message : String(error)}`),
      });
      try {
        await checkpoints.start();
        const demoTerminals = options.demo ? (await seedDemo(context)).terminals.map((t) => ({ serial: t.serial, facilityCode: t.facility, name: t.name })) : undefined;
        const ca = await loadOrCreateNetworkCa(config.dataDir);
        const tls = await loadOrCreateServerTls(config.dataDir, ca);
        const imageBlobs = new FileBlobStore(path.join(config.dataDir, 'images'));
        // Deleting an exchange item (retention, deletion on request) deletes its studies from the image store too.
        const studies = new ImageStudies(new ImageArchive(stores, keys, imageBlobs));
        const app = await buildApp(
          {
            stores,
            keys,
            mode: options.demo ? 'demo' : 'production',
            demoTerminals,
            trustedProxyAddress: options.trustedProxy,
            networkCa: ca,
            // JPKI CA certificates and CRLs for My Number cards: DATA/jpki/{authorities,crls} (or RENKEI_JPKI_DIR).
            jpki: jpkiTrustFromDirectory(jpkiDir(config.dataDir)),
            cardHelperUrl: options.cardHelperUrl,
            webRoot: WEB_ROOT,
            logger: !options.demo,
            networkPrefecture: options.prefecture ?? io.env.RENKEI_NETWORK_PREFECTURE,
            // Image blobs, encrypted with the server's image key, in DATA/images.
            imageBlobs,
            // Resumable uploads wait, sealed, in DATA/uploads until their last byte has been stored.
            uploadDir: path.join(config.dataDir, 'uploads'),
            studies,
          },
          tls,
        );
        await listen(app, port, options.host);
        const gateway =
          dicomPort === undefined
            ? undefined
            : await startCStoreGateway(new ImageArchive(stores, keys, imageBlobs), dicomPort, (message) => warn(io, `renkei: ${message}`));
        if (gateway) print(io, `Renkei DICOM C-STORE: AE title ${GATEWAY_AE_TITLE}, port ${gateway.port}`);
        const url = `https://localhost:${(app.server.address() as { port: number }).port}/`;
        // The exchange's daily retention run, and its e-mail notices when a mail server is configured.
        const retention = scheduleRetention(
          () => runRetention({ stores, audit: context.audit, studies }, operatorContext()),
          (error) => warn(io, `renkei: retention run failed, tried again tomorrow: ${error instanceof Error ? error.message : String(error)}`),
        );
        const smtpUrl = io.env.RENKEI_SMTP_URL;
        const mailer = smtpUrl
          ? new ExchangeMailer(stores, { smtpUrl, from: io.env.RENKEI_MAIL_FROM || 'renkei@localhost', inboxUrl: new URL('exchanges', io.env.RENKEI_PUBLIC_URL || url).toString() })
          : undefined;
        mailer?.start();
        if (options.demo) {
          print(io, '*** デモモード / DEMO MODE: このPC（ループバック接続）はデモ端末として扱われます。本番では使用しないでください。');
          print(io, '*** Loopback connections act as the demo terminal. Never run this in production.');
          print(io, `ログイン情報 / credentials: ${config.dataDir}/demo/credentials.json`);
        }
        print(io, `Renkei: ${url}`);
        const stop = async () => {
          try {
            await gateway?.close();
            await retention.stop();
            await mailer?.stop();
            await app.close();
            await checkpoints.stop(); // the final checkpoint, once the last request's audit is written
          } finally {
            await stores.close();
          }
        };
        const stopOnSignal = () => void stop().catch((error) => warn(io, `renkei: ${error instanceof Error ? error.message : String(error)}`));
        process.once('SIGINT', stopOnSignal);
        process.once('SIGTERM', stopOnSignal);
      } catch (error) {
        await checkpoints.stop().catch(() => undefined);
        await stores.close();
        throw error;
      }
    });
}

/** On the given address; else on every address, dual-stack where the machine has IPv6 (localhost may be ::1 or 127.0.0.1). */
async function listen(app: FastifyInstance, port: number, host: string | undefined): Promise<void> {
  if (host !== undefined) return void (await app.listen({ port, host }));
  try {
    await app.listen({ port, host: '::' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
    await app.listen({ port, host: '0.0.0.0' });
  }
}
