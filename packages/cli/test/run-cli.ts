import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, createTestDataDir, type Engine } from '@renkei/store/testing';
import { afterEach, onTestFinished, vi } from 'vitest';
import type { CliIo } from '../src/io.js';
import { runRenkei } from '../src/program.js';

// A command opens its stores as the program would (PGlite from the data directory); on a
// busy 2-core machine that can take seconds, and `serve` runs as a process of its own.
vi.setConfig({ testTimeout: 180_000 });

/** The built command (npm test builds before it tests). */
export const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const sharedDir = fileURLToPath(new URL('../../../../shared/', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `renkei args…` inside this process with the given environment, as the
 * program would run (the same commands, output and exit status), without
 * starting Node and loading every module again for each command.
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { env: { ...process.env, ...env }, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) };
  const code = await runRenkei(args, io);
  return { code, stdout, stderr };
}

const running = new Map<ChildProcess, Promise<void>>();

// A test that ends, by a timeout too, leaves none of its processes running: they
// would slow the tests after it down and write into data being removed.
afterEach(async () => {
  for (const child of running.keys()) child.kill('SIGKILL');
  await Promise.all(running.values());
});

/** Runs the built `renkei args…` as a process of its own: for what only the program shows (its exit status, its start). */
export function runCliProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.set(child, new Promise((exited) => child.once('close', () => exited())));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * Where CLI runs keep their data: a directory of the test's own (`dir`, for
 * its files) holding the data directory (key file, embedded stores) and, on
 * PostgreSQL, two databases named by the URLs in `env`.
 */
export interface CliEnvironment {
  engine: Engine;
  dir: string;
  dataDir: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh environment on `engine` whose stores are migrated already (copies of the run's templates: no CLI run migrates). */
export async function cliEnvironment(engine: Engine): Promise<CliEnvironment> {
  return environmentOf(engine, async (dataDir) => {
    if (engine === 'pglite') return createTestDataDir(dataDir);
    return Promise.all([createTestDatabase('identity'), createTestDatabase('clinical')]);
  });
}

/** A fresh environment (as cliEnvironment) for the running test alone, dropped when it finishes. */
export async function ownCliEnvironment(engine: Engine): Promise<CliEnvironment> {
  const environment = await cliEnvironment(engine);
  onTestFinished(() => environment.drop());
  return environment;
}

/**
 * A copy of `base`, data directory and databases, for the running test alone,
 * dropped when it finishes: what a fixture prepared once, without what other
 * tests did with it. Nothing may hold base's stores meanwhile.
 */
export async function ownCopyOf(base: CliEnvironment): Promise<CliEnvironment> {
  const copy = await environmentOf(base.engine, async (dataDir) => {
    await cp(base.dataDir, dataDir, { recursive: true });
    if (base.engine === 'pglite') return;
    return Promise.all([createTestDatabase(base.env.IDENTITY_DATABASE_URL), createTestDatabase(base.env.CLINICAL_DATABASE_URL)]);
  });
  onTestFinished(() => copy.drop());
  return copy;
}

type Database = { url: string; drop: () => Promise<void> };

async function environmentOf(engine: Engine, create: (dataDir: string) => Promise<void | Database[]>): Promise<CliEnvironment> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-cli-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  const databases = (await create(dataDir)) ?? [];
  const [identity, clinical] = databases;
  return {
    engine,
    dir,
    dataDir,
    env: { RENKEI_DATA_DIR: dataDir, IDENTITY_DATABASE_URL: identity?.url ?? '', CLINICAL_DATABASE_URL: clinical?.url ?? '', RENKEI_SECRET: '' },
    async drop() {
      await Promise.all(databases.map((db) => db.drop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `renkei serve` in production mode on a free port of 127.0.0.1, stopped (and
 * waited for, so that its data can go) when the running test finishes.
 */
export async function serveCli(env: Record<string, string>): Promise<string> {
  const server = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
  onTestFinished(async () => {
    server.kill('SIGTERM');
    await exited;
  });
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const match = /Renkei: (https:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    server.on('close', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}
