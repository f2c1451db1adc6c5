import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type Engine } from '@renkei/store/testing';

/** The built command (npm test builds before it tests). */
export const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const sharedDir = fileURLToPath(new URL('../../../../shared/', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `renkei args…` in a child process with the given environment. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The environment for a CLI run on `engine`: the data directory always (key
 * file), and on PostgreSQL two fresh databases named by the two URLs.
 */
export async function cliEnvironment(engine: Engine, dataDir: string): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const env: Record<string, string> = { RENKEI_DATA_DIR: dataDir, IDENTITY_DATABASE_URL: '', CLINICAL_DATABASE_URL: '', RENKEI_SECRET: '' };
  if (engine === 'pglite') return { env, drop: async () => undefined };
  const identity = await createTestDatabase();
  const clinical = await createTestDatabase();
  return {
    env: { ...env, IDENTITY_DATABASE_URL: identity.url, CLINICAL_DATABASE_URL: clinical.url },
    drop: async () => {
      await identity.drop();
      await clinical.drop();
    },
  };
}
