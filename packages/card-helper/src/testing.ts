/**
 * Test My Number cards: a test JPKI CA (root and user-authentication
 * intermediate, as J-LIS has), its CRLs, and cards as SoftHSM2 tokens that
 * hold the key and the user-authentication certificate under JPKI's labels,
 * put there with SoftHSM's and OpenSC's own tools. Each card is its own token
 * store, so a test swaps cards by pointing the helper at another one.
 */
import 'reflect-metadata';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const run = promisify(execFile);
const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 86_400_000;

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TEST_CARD_PIN = '1234';

export interface TestCard {
  /** Environment that makes SoftHSM2 see this card (and only it). */
  env: { SOFTHSM2_CONF: string };
  certificatePem: string;
  serial: string;
}

export interface TestJpki {
  /** The trust anchors a server is configured with: root and intermediate, PEM. */
  authorityPems: string[];
  /** A CRL of the user-authentication CA listing `revokedSerials`; `nextUpdate` in the past makes it stale. */
  crl(revokedSerials?: string[], nextUpdate?: Date): Promise<string>;
  /** A new card whose certificate this JPKI issued; `expired` makes one past its validity. */
  issueCard(options?: { holder?: string; expired?: boolean; pin?: string }): Promise<TestCard>;
  remove(): Promise<void>;
}

interface Authority {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export async function createTestJpki(name = 'Test JPKI'): Promise<TestJpki> {
  const dir = await mkdtemp(join(tmpdir(), 'renkei-jpki-'));
  const root = await selfSigned(`${name} Root CA`);
  const intermediate = await issueAuthority(root, `${name} User Authentication CA`);
  let cards = 0;
  return {
    authorityPems: [root.cert.toString('pem'), intermediate.cert.toString('pem')],
    async crl(revokedSerials = [], nextUpdate = new Date(Date.now() + DAY)) {
      const crl = await x509.X509CrlGenerator.create({
        issuer: intermediate.cert.subject,
        thisUpdate: new Date(Date.now() - DAY),
        nextUpdate,
        entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(Date.now() - 60_000) })),
        signingKey: intermediate.keys.privateKey,
        signingAlgorithm: RSA,
      });
      return crl.toString('pem');
    },
    async issueCard(options = {}) {
      const cardDir = join(dir, `card-${++cards}`);
      await mkdir(join(cardDir, 'tokens'), { recursive: true });
      const conf = join(cardDir, 'softhsm2.conf');
      await writeFile(conf, `directories.tokendir = ${join(cardDir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
      const env = { ...process.env, SOFTHSM2_CONF: conf };
      const pin = options.pin ?? TEST_CARD_PIN;
      await run('softhsm2-util', ['--init-token', '--free', '--label', 'JPKI User Authentication', '--pin', pin, '--so-pin', '87654321'], { env });

      const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
      const notBefore = options.expired ? new Date(Date.now() - 5 * 365 * DAY) : new Date(Date.now() - DAY);
      const notAfter = options.expired ? new Date(Date.now() - DAY) : new Date(Date.now() + 5 * 365 * DAY);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        // JPKI user-authentication certificates name no one: the subject is only the issuing system.
        subject: `CN=${options.holder ?? `card ${cards}`}, O=JPKI`,
        issuer: intermediate.cert.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: intermediate.keys.privateKey,
        signingAlgorithm: RSA,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          await x509.AuthorityKeyIdentifierExtension.create(intermediate.cert.publicKey),
        ],
      });
      const keyFile = join(cardDir, 'key.pem');
      const certFile = join(cardDir, 'cert.der');
      const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
      await writeFile(keyFile, `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`);
      await writeFile(certFile, Buffer.from(cert.rawData));
      const token = ['--token', 'JPKI User Authentication'];
      await run('softhsm2-util', ['--import', keyFile, ...token, '--label', 'User Authentication Key', '--id', '01', '--pin', pin], { env });
      await run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', 'JPKI User Authentication', '--login', '--pin', pin, '--write-object', certFile, '--type', 'cert', '--id', '01', '--label', 'User Authentication Certificate'], { env });
      // The key lives on the token only, as on a real card.
      await rm(keyFile);
      return { env: { SOFTHSM2_CONF: conf }, certificatePem: cert.toString('pem'), serial: cert.serialNumber.toLowerCase() };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A loopback port free now: a server must know the helper's address before the helper (which must know the server's origin) starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The helper program itself, as a terminal runs it, on `card`. Resolves once it listens. */
export async function startCardHelper(card: TestCard, origins: string[], port = 0): Promise<{ url: string; stop: () => Promise<void> }> {
  // The built program, whether this module runs from src (tests) or dist.
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main, '--module', SOFTHSM_MODULE, '--port', String(port), '--origin', ...origins], {
    env: { ...process.env, ...card.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) resolve(match[0]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`card helper exited (${code}): ${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function selfSigned(name: string): Promise<Authority> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}, O=JPKI`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 20 * 365 * DAY),
    keys,
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return { cert, keys };
}

async function issueAuthority(parent: Authority, name: string): Promise<Authority> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${name}, O=JPKI`,
    issuer: parent.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: parent.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return { cert, keys };
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}
