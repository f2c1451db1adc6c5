import { hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenkeiConfig } from './config.js';

/**
 * The server's keys, derived from one secret that lives outside both stores
 * (RENKEI_SECRET, or the key file in the data directory). Without it, a copy
 * of either store links nobody to anything.
 */
export interface ServerKeys {
  /** Maps a person id to the pseudonym the clinical store knows. */
  pseudonym: Buffer;
  /** Keyed hashes through which encrypted identity fields are found. */
  lookup: Buffer;
  /** AES-256-GCM key for personal fields at rest in the identity store. */
  encryption: Buffer;
  /** Chains the audit trail. */
  audit: Buffer;
  /** Encrypts image blobs at rest (AES-256-GCM, a key per blob derived from it) and names them. */
  images: Buffer;
}

export const KEY_FILE = 'renkei.key';

/** Loads the server keys, creating the key file (mode 0600) on first use. */
export async function loadServerKeys(config: RenkeiConfig): Promise<ServerKeys> {
  const secret = config.secret !== undefined ? Buffer.from(config.secret, 'utf8') : await readOrCreateKeyFile(config.dataDir);
  if (secret.length < 32) throw new Error('RENKEI_SECRET must be at least 32 characters long');
  return deriveServerKeys(secret);
}

export function deriveServerKeys(secret: Buffer): ServerKeys {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'renkei', purpose, 32));
  return {
    pseudonym: derive('pseudonym v1'),
    lookup: derive('lookup v1'),
    encryption: derive('encryption v1'),
    audit: derive('audit v1'),
    images: derive('images v1'),
  };
}

async function readOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, KEY_FILE);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    await writeFile(file, secret.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    await chmod(file, 0o600);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  }
}
