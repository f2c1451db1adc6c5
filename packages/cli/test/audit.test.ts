import { spawn } from 'node:child_process';
import { openStores, resolveConfig } from '@renkei/store';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, cliPath, runCli } from './run-cli.js';

/** Runs `renkei serve` until `work` is done, then stops it with SIGTERM and waits until it has exited. */
async function whileServing(env: Record<string, string>, work: () => Promise<void>): Promise<void> {
  const server = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Renkei: https://')) resolve();
      });
      server.stderr.on('data', (d) => (out += d));
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    await work();
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}

describe.each(testEngines())('renkei audit verify on %s', (engine) => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ env, drop } = await cliEnvironment(engine));
  });
  afterAll(async () => drop());

  it('catches the tail of the trail cut, and its head moved back, after the server checkpointed it at shutdown', async () => {
    // Three audited reads (no one holds the card) while the server runs; it checkpoints them as it stops.
    await whileServing(env, async () => {
      const reads = await Promise.all(Array.from({ length: 3 }, () => runCli(['history', '--member', '01010016:1:1', '--birth', '1991-11-21'], env)));
      expect(reads.map((r) => r.code)).toEqual([1, 1, 1]);
    });
    const intact = await runCli(['audit', 'verify', '--json'], env);
    expect(intact.stderr).toBe('');
    expect(JSON.parse(intact.stdout)).toEqual({ checked: 3, ok: true, checkpoints: { file: 1, store: 1 }, checkpoint: { id: 3, at: expect.any(String) } });

    const stores = await openStores(resolveConfig({}, env));
    await stores.clinical.exec(`ALTER TABLE audit_events DISABLE TRIGGER USER; DELETE FROM audit_events WHERE id > 1; ALTER TABLE audit_events ENABLE TRIGGER USER;
      UPDATE audit_chain_head SET last_id = 1, last_hash = (SELECT hash FROM audit_events WHERE id = 1)`);
    await stores.close();

    const cut = await runCli(['audit', 'verify', '--json'], env);
    expect(cut.code).toBe(1);
    const at = (JSON.parse(intact.stdout).checkpoint.at as string).replace(/\.\d{3}Z$/, 'Z');
    const problem = `records 2–3 were removed after the checkpoint of ${at} (id 3)`;
    expect(JSON.parse(cut.stdout)).toEqual({ checked: 1, ok: false, problem, checkpoints: { file: 1, store: 1 }, checkpoint: { id: 3, at: expect.any(String) }, removed: { from: 2, to: 3 } });
    expect(cut.stderr.trim()).toBe(`renkei: audit trail broken after 1 records checked: ${problem}`);
  }, 120_000);
});
