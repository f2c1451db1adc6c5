import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '@renkei/store/testing';
import { cliEnvironment, runCli, sharedDir } from './run-cli.js';

const shaho = path.join(sharedDir, 'uke-samples/orca/shaho_201811.csv');

describe.each(testEngines())('renkei ingest --dry-run and --undo on %s', (engine) => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-cli-delivery-'));
    ({ env, drop } = await cliEnvironment(engine));
  });
  afterAll(async () => {
    await drop?.();
    await rm(dir, { recursive: true, force: true });
  });

  // Nine runs of the command, each opening the stores afresh.
  it('checks a delivery without storing it, loads it, refuses a cut copy in one line, and undoes it by its SHA-256', { timeout: 240_000 }, async () => {
    const dry = await runCli(['ingest', '--dry-run', shaho], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split('\n').at(-1)).toBe('dry run, nothing stored: 1 files; receipts 27 new, 0 replaced, 0 unchanged; persons 26 new, 0 known');

    const ingested = JSON.parse((await runCli(['ingest', shaho, '--json'], env)).stdout);
    expect(ingested).toMatchObject({ ingested: 1, receipts: 27 });
    const sha256 = ingested.results[0].sha256 as string;
    const again = JSON.parse((await runCli(['ingest', '--dry-run', shaho, '--json'], env)).stdout);
    expect(again).toMatchObject({ dryRun: true, receiptsNew: 0, receiptsUnchanged: 27, personsKnown: 26 });

    const cut = path.join(dir, 'shaho_cut.csv');
    await writeFile(cut, (await readFile(shaho, 'utf8')).split('\n').slice(0, 230).join('\n') + '\n');
    const refused = await runCli(['ingest', cut], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual(['renkei: shaho_cut.csv line 230: the file ends without its GO record (診療報酬請求書), so it is incomplete: ask the sender for the whole file']);

    const undone = await runCli(['ingest', '--undo', sha256, '--json'], env);
    expect(JSON.parse(undone.stdout)).toEqual({ sha256, files: ['shaho_201811.csv'], receiptsRemoved: 27, receiptsRestored: 0 });
    const twice = await runCli(['ingest', '--undo', sha256], env);
    expect(twice.stderr.trim()).toBe(`renkei: no ingested file has SHA-256 ${sha256}`);
    expect((await runCli(['ingest', '--undo', 'abc'], env)).stderr.trim()).toBe('renkei: --undo abc: not a SHA-256 (64 hexadecimal digits, as ingest prints them)');
    // The undone file may come again; the audit trail holds ingest, refusal and undo and verifies.
    expect(JSON.parse((await runCli(['ingest', shaho, '--json'], env)).stdout)).toMatchObject({ ingested: 1, receipts: 27 });
    const audit = await runCli(['audit', 'verify', '--json'], env);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true });
  });
});
