/**
 * Where the server finds what it trusts for My Number cards: the JPKI CA
 * certificates of the user-authentication hierarchy and their current CRLs,
 * as files under DATA/jpki (or RENKEI_JPKI_DIR). CRLs are replaced by the
 * operator's daily download; the server reads the folder again at most once a
 * minute, so a new CRL takes effect without a restart.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { jpkiTrust, type JpkiTrust } from './my-number.js';

export interface JpkiTrustSource {
  /** The trust in force now; undefined when no JPKI CA is configured (My Number cards are then not accepted). */
  current(): Promise<JpkiTrust | undefined>;
}

export const jpkiDir = (dataDir: string, env: NodeJS.ProcessEnv = process.env) => env.RENKEI_JPKI_DIR ?? path.join(dataDir, 'jpki');

const RELOAD_MS = 60_000;

/** authorities/*.pem|.cer|.crt and crls/*.pem|.crl (PEM or DER) under `dir`, read again after `reloadMs`. */
export function jpkiTrustFromDirectory(dir: string, options: { reloadMs?: number } = {}): JpkiTrustSource {
  const reloadMs = options.reloadMs ?? RELOAD_MS;
  let loaded: { at: number; trust: JpkiTrust | undefined } | undefined;
  return {
    async current() {
      if (loaded && Date.now() - loaded.at < reloadMs) return loaded.trust;
      const authorities = await readAll(path.join(dir, 'authorities'), ['.pem', '.cer', '.crt']);
      const crls = await readAll(path.join(dir, 'crls'), ['.pem', '.crl']);
      loaded = { at: Date.now(), trust: authorities.length > 0 ? jpkiTrust(authorities, crls) : undefined };
      return loaded.trust;
    },
  };
}

/** Trust given as it is: for tests and for callers that manage the files themselves. */
export function fixedJpkiTrust(trust: JpkiTrust | undefined): JpkiTrustSource {
  return { current: async () => trust };
}

async function readAll(dir: string, extensions: string[]): Promise<Array<string | Buffer>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((n) => extensions.includes(path.extname(n).toLowerCase())).sort();
  return Promise.all(
    files.map(async (name) => {
      const bytes = await readFile(path.join(dir, name));
      return bytes.includes('-----BEGIN') ? bytes.toString('utf8') : bytes;
    }),
  );
}
