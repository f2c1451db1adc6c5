/**
 * Where the server finds what it trusts for My Number cards: the JPKI CA
 * certificates of the user-authentication hierarchy and their current CRLs,
 * as files under DATA/jpki (or RENKEI_JPKI_DIR). CRLs are replaced by the
 * operator's daily download; the server reads the folder again at most once a
 * minute, so a new CRL takes effect without a restart.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import type { JpkiTrust } from './my-number.js';

export interface JpkiTrustSource {
  /** The trust in force now; undefined when no JPKI CA is configured (My Number cards are then not accepted). */
  current(): Promise<JpkiTrust | undefined>;
}

export const jpkiDir = (dataDir: string, env: NodeJS.ProcessEnv = process.env) => env.RENKEI_JPKI_DIR ?? path.join(dataDir, 'jpki');

const RELOAD_MS = 60_000;

/**
 * authorities/*.pem|.cer|.crt and crls/*.pem|.crl (PEM or DER) under `dir`,
 * read again after `reloadMs`, one read at a time. A file that does not parse
 * (a CRL half-written by the download) is left out: its issuer then has no
 * current CRL and its cards are refused, nothing else is. If the folder cannot
 * be read at all, the last trust read stays in force until the next attempt.
 */
export function jpkiTrustFromDirectory(dir: string, options: { reloadMs?: number } = {}): JpkiTrustSource {
  const reloadMs = options.reloadMs ?? RELOAD_MS;
  let loaded: { at: number; trust: JpkiTrust | undefined } = { at: -Infinity, trust: undefined };
  let loading: Promise<JpkiTrust | undefined> | undefined;
  const load = async (): Promise<JpkiTrust | undefined> => {
    try {
      const authorities = parsed(await readAll(path.join(dir, 'authorities'), ['.pem', '.cer', '.crt']), (f) => new x509.X509Certificate(asParsable(f)));
      const crls = parsed(await readAll(path.join(dir, 'crls'), ['.pem', '.crl']), (f) => new x509.X509Crl(asParsable(f)));
      loaded = { at: Date.now(), trust: authorities.length > 0 ? { authorities, crls } : undefined };
    } catch {
      loaded = { at: Date.now(), trust: loaded.trust };
    }
    return loaded.trust;
  };
  return {
    async current() {
      if (Date.now() - loaded.at < reloadMs) return loaded.trust;
      loading ??= load().finally(() => (loading = undefined));
      return loading;
    },
  };
}

const asParsable = (file: string | Uint8Array) => (typeof file === 'string' ? file : new Uint8Array(file));

/** The files that parse; the others are left out. */
function parsed<T>(files: Array<string | Uint8Array>, parse: (file: string | Uint8Array) => T): T[] {
  return files.flatMap((file) => {
    try {
      return [parse(file)];
    } catch {
      return [];
    }
  });
}

/** Trust given as it is: for tests and for callers that manage the files themselves. */
export function fixedJpkiTrust(trust: JpkiTrust | undefined): JpkiTrustSource {
  return { current: async () => trust };
}

async function readAll(dir: string, extensions: string[]): Promise<Array<string | Uint8Array>> {
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
