import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createNetworkCa, issueServerCertificate, type NetworkCa } from './network-ca.js';

/** Where the network CA and the server's TLS certificate live: DATA/pki, keys mode 0600. */
export const pkiDir = (dataDir: string) => path.join(dataDir, 'pki');

export interface ServerTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** The network CA of this data directory, created on first use. */
export async function loadOrCreateNetworkCa(dataDir: string): Promise<NetworkCa> {
  const dir = pkiDir(dataDir);
  const existing = await readPair(path.join(dir, 'network-ca.pem'), path.join(dir, 'network-ca.key'));
  if (existing) return { certPem: existing[0], keyPem: existing[1] };
  const ca = await createNetworkCa({ name: 'Renkei Network CA' });
  await writePair(dir, 'network-ca', ca.certPem, ca.keyPem);
  return ca;
}

/**
 * The server's TLS certificate: RENKEI_TLS_CERT / RENKEI_TLS_KEY when given (a
 * certificate from a public or hospital CA), else one issued by the network CA
 * for localhost, created on first use.
 */
export async function loadOrCreateServerTls(dataDir: string, ca: NetworkCa, env: NodeJS.ProcessEnv = process.env): Promise<ServerTls> {
  if (env.RENKEI_TLS_CERT || env.RENKEI_TLS_KEY) {
    if (!env.RENKEI_TLS_CERT || !env.RENKEI_TLS_KEY) throw new Error('RENKEI_TLS_CERT and RENKEI_TLS_KEY go together: give both files or neither');
    return { certPem: await readFile(env.RENKEI_TLS_CERT, 'utf8'), keyPem: await readFile(env.RENKEI_TLS_KEY, 'utf8'), caPem: ca.certPem };
  }
  const dir = pkiDir(dataDir);
  const existing = await readPair(path.join(dir, 'server.pem'), path.join(dir, 'server.key'));
  if (existing) return { certPem: existing[0], keyPem: existing[1], caPem: ca.certPem };
  const issued = await issueServerCertificate(ca, { dns: ['localhost'], ip: ['127.0.0.1', '::1'] });
  await writePair(dir, 'server', issued.certPem, issued.keyPem);
  return { certPem: issued.certPem, keyPem: issued.keyPem, caPem: ca.certPem };
}

async function readPair(certFile: string, keyFile: string): Promise<[string, string] | undefined> {
  try {
    return [await readFile(certFile, 'utf8'), await readFile(keyFile, 'utf8')];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writePair(dir: string, name: string, certPem: string, keyPem: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The key first and exclusively: two processes starting at once must not mix pairs.
  await writeFile(path.join(dir, `${name}.key`), keyPem, { flag: 'wx', mode: 0o600 });
  await chmod(path.join(dir, `${name}.key`), 0o600);
  await writeFile(path.join(dir, `${name}.pem`), certPem);
}
