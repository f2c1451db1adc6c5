import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageMastersCutTo } from '@renkei/masters/testing';
import { testEngines } from '@renkei/store/testing';
import { cliEnvironment, ownCliEnvironment, ownCopyOf, runCli, runCliProcess, serveCli, sharedDir, type CliEnvironment } from './run-cli.js';

const sample = path.join(sharedDir, 'uke-samples/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE');

/** The sample with a broken 合計点数 on line 40, written into `dir`. */
async function brokenSample(dir: string): Promise<string> {
  const text = iconv.decode(await readFile(sample), 'cp932').replace('HO,01010016,１,１,1,14321', 'HO,01010016,１,１,1,14x21');
  const broken = path.join(dir, 'RECEIPTC.UKE');
  await writeFile(broken, iconv.encode(text, 'cp932'));
  return broken;
}

describe('renkei --help', () => {
  it.each([[], ['ingest'], ['history'], ['masters'], ['masters', 'import'], ['generate'], ['demo'], ['audit'], ['audit', 'verify'], ['serve'], ['retention'], ['retention', 'run']])('renkei %s --help', async (...command) => {
    const { code, stdout } = await runCli([...command.flat(), '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: renkei/);
  });

  it('runs as the built program: its help exits 0, an unknown command exits non-zero with the reason on standard error', async () => {
    const help = await runCliProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: renkei/);
    const unknown = await runCliProcess(['no-such-command']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/unknown command 'no-such-command'/);
  });
});

/** The official masters cut to the codes the sample uses (7 digits: diseases; 9: procedures, medicines, materials), staged once for both engines. */
let mastersForSample: Promise<{ dir: string; remove(): Promise<void> }> | undefined;
const sampleMasters = async () => {
  mastersForSample ??= readFile(sample, 'latin1').then((text) => stageMastersCutTo(new Set((text.match(/\d+/g) ?? []).filter((run) => run.length === 7 || run.length === 9))));
  return (await mastersForSample).dir;
};
afterAll(async () => (await mastersForSample)?.remove());

describe.each(testEngines())('renkei on %s', (engine) => {
  // The sample ingested once; each test works on a copy of its own.
  let ingested: CliEnvironment;
  beforeAll(async () => {
    ingested = await cliEnvironment(engine);
    const result = await runCli(['ingest', sample, '--json'], ingested.env);
    if (result.code !== 0) throw new Error(`the sample did not ingest: ${result.stderr}`);
  });
  afterAll(async () => ingested?.drop());

  it('ingests a file and prints its counts as JSON; the same file again changes nothing', async () => {
    const { env } = await ownCliEnvironment(engine);
    const first = await runCli(['ingest', sample, '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ files: 1, ingested: 1, unchanged: 0, receipts: 75, lines: 636 });
    const again = await runCli(['ingest', sample, '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 1, ingested: 0, unchanged: 1, receipts: 0 });
  });

  it('prints the history contract for a card and birth date', async () => {
    const { env } = await ownCopyOf(ingested);
    const { code, stdout } = await runCli(['history', '--member', '01010016:１:１', '--birth', '1991-11-21', '--json'], env);
    expect(code).toBe(0);
    const history = JSON.parse(stdout);
    expect(Object.keys(history)).toEqual(['diagnoses', 'medications', 'procedures', 'tests']);
    for (const d of history.diagnoses) {
      expect(d).toEqual(expect.objectContaining({ code: expect.any(String), name: expect.any(String), startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), outcome: expect.any(String), suspected: expect.any(Boolean) }));
      expect(d).toHaveProperty('icd10');
    }
    expect(history.diagnoses.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['2500013', '0000999']));
    expect(history.diagnoses.find((d: { name: string }) => d.name.startsWith('寿限無'))).toMatchObject({ code: '0000999', suspected: false });
    const surgery = history.procedures.find((p: { code: string }) => p.code === '150253010');
    expect(surgery).toMatchObject({ dates: ['2021-10-01'] });
    expect(surgery.materials.map((m: { code: string }) => m.code)).toContain('620000402');
    // Drugs used in the surgery are its materials, not medications.
    expect(history.medications.map((m: { code: string }) => m.code)).not.toContain('620000402');
    expect(history.medications.find((m: { code: string }) => m.code === '620098801')).toMatchObject({ dates: ['2021-10-01'], route: 'as-needed' });
    for (const list of ['medications', 'procedures', 'tests']) for (const item of history[list]) expect(item).toEqual(expect.objectContaining({ code: expect.any(String), name: expect.any(String), dates: expect.any(Array) }));
    expect(history.tests.length).toBeGreaterThan(0);
  });

  it('names every item from the official masters valid in its month once they are imported', async () => {
    const { env } = await ownCopyOf(ingested);
    const imported = await runCli(['masters', 'import', await sampleMasters(), '--json'], env);
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as Array<{ kind: string; skipped: boolean }>;
    expect(new Set(summary.map((s) => s.kind))).toEqual(new Set(['b', 'z', 's', 'y', 't', 'c']));
    const { stdout } = await runCli(['history', '--member', '01010016:1:1', '--birth', '1991-11-21', '--json'], env);
    const history = JSON.parse(stdout);
    // Receipts 1 and 3 of the sample share card, birth date and sex: one person, whose later receipt ends 糖尿病 with 中止.
    expect(history.diagnoses.find((d: { code: string }) => d.code === '2500013')).toMatchObject({ name: '糖尿病', icd10: 'E14', startDate: '2021-08-01', outcome: 'discontinued', suspected: false, main: true });
    expect(history.diagnoses.find((d: { code: string }) => d.code === '4659007')).toMatchObject({ name: '急性上気道炎の疑い', icd10: 'J069', suspected: true });
    expect(history.procedures.find((p: { code: string }) => p.code === '150253010')).toMatchObject({ name: '水晶体再建術（眼内レンズを挿入する場合）（その他のもの）', section: 'K282' });
    expect(history.medications.find((m: { code: string }) => m.code === '620098801')).toMatchObject({ name: 'ロキソニン錠６０ｍｇ', yjCode: '1149019F1560' });
  });

  it('exits non-zero with one line when no person holds the card', async () => {
    const { env } = await ownCopyOf(ingested);
    const result = await runCli(['history', '--member', '01010016:１:１', '--birth', '1991-11-22', '--json'], env);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(['renkei: no person with this card and birth date']);
  });

  it('refuses a broken file with one line naming file, line and field, and stores none of it', async () => {
    const { env, dir } = await ownCopyOf(ingested);
    const result = await runCli(['ingest', await brokenSample(dir), '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['renkei: RECEIPTC.UKE line 40, field 合計点数: 14x21 is not a whole number']);
    const history = await runCli(['history', '--member', '01010016:1:1', '--birth', '1991-11-21', '--json'], env);
    expect(JSON.parse(history.stdout).diagnoses.length).toBeGreaterThan(0); // the earlier file's data, untouched
  });

  it('verifies the audit trail, which recorded the ingest and the reads, a refused one too', async () => {
    const { env } = await ownCopyOf(ingested);
    await runCli(['history', '--member', '01010016:１:１', '--birth', '1991-11-21', '--json'], env);
    await runCli(['history', '--member', '01010016:１:１', '--birth', '1991-11-22', '--json'], env);
    const { code, stdout } = await runCli(['audit', 'verify', '--json'], env);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(true);
    // the sample's ingest, the history found, the history refused (no such person); a refused ingest's record is the claims tests'
    expect(result.checked).toBe(3);
  });

  it('refuses an unknown option or a malformed card with a reason and a non-zero exit', async () => {
    const { env } = await ownCliEnvironment(engine);
    const noBirth = await runCli(['history', '--member', '01010016:1:1'], env);
    expect(noBirth.code).not.toBe(0);
    expect(noBirth.stderr).toContain("required option '--birth <YYYY-MM-DD>' not specified");
    const badMember = await runCli(['history', '--member', '01010016', '--birth', '1991-11-21'], env);
    expect(badMember.code).toBe(1);
    expect(badMember.stderr.trim()).toBe('renkei: --member 01010016: give INSURER:SYMBOL:NUMBER or INSURER:SYMBOL:NUMBER:BRANCH');
  });
});

// On the embedded stores, each test in a data directory of its own.
describe('renkei generate, demo and serve', () => {
  it('generates claims that ingest whole, and a second run of the same seed writes the same files', async () => {
    const { env, dir } = await ownCliEnvironment('pglite');
    const generated = await runCli(['generate', '--persons', '40', '--months', '2', '--out', path.join(dir, 'claims'), '--seed', '7', '--json'], env);
    expect(generated.code).toBe(0);
    const counts = JSON.parse(generated.stdout);
    expect(counts).toMatchObject({ persons: 40 });
    expect(counts.receipts).toBeGreaterThan(40);
    const ingested = await runCli(['ingest', path.join(dir, 'claims'), '--json'], env);
    expect(ingested.stderr).toBe('');
    expect(JSON.parse(ingested.stdout)).toMatchObject({ files: counts.files, ingested: counts.files, receipts: counts.receipts, lines: counts.lines });
    await runCli(['generate', '--persons', '40', '--months', '2', '--out', path.join(dir, 'again'), '--seed', '7', '--json'], env);
    const again = await runCli(['ingest', path.join(dir, 'again'), '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: counts.files, ingested: 0, unchanged: counts.files });
  });

  it('refuses a count that is not a positive whole number, writing nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'renkei-generate-'));
    const result = await runCli(['generate', '--persons', '0', '--months', '2', '--out', path.join(dir, 'none')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('renkei: 0 is not a positive whole number');
    await expect(readFile(path.join(dir, 'none'))).rejects.toThrow('ENOENT');
  });

  it('seeds a fresh data directory once and shows a sample history whose command works', async () => {
    const { env, dataDir } = await ownCliEnvironment('pglite');
    const first = await runCli(['demo'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Seeding');
    expect(first.stdout).toMatch(/傷病名 \(\d+\)/);
    const command = /サンプル: renkei (history --member \S+ --birth \S+)/.exec(first.stdout)![1]!.split(' ');
    const history = await runCli([...command, '--json'], env);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).diagnoses.length).toBeGreaterThan(0);
    // The demo vocabulary names what it generated, before any official master is imported.
    expect(JSON.parse(history.stdout).diagnoses.every((d: { known: boolean }) => d.known)).toBe(true);
    const second = await runCli(['demo'], env);
    expect(second.stdout).not.toContain('Seeding');

    const credentials = JSON.parse(await readFile(path.join(dataDir, 'demo', 'credentials.json'), 'utf8'));
    expect(credentials).toMatchObject({ caCert: expect.any(String), terminal: { p12: expect.any(String), password: expect.any(String) } });
    expect(new Set(credentials.users.map((u: { role: string }) => u.role))).toEqual(new Set(['doctor', 'dentist', 'pharmacist', 'nurse', 'technologist', 'clerk', 'liaison', 'facility-admin', 'operator']));
    for (const user of credentials.users) expect(user).toEqual({ id: expect.any(String), password: expect.any(String), role: expect.any(String), facility: user.role === 'operator' ? null : expect.stringMatching(/^\d{10}$/) });
    for (const card of credentials.cards) expect(card).toEqual({ qr: expect.stringMatching(/^RKC1-/), label: expect.any(String) });
    expect(credentials.cards.length).toBeGreaterThan(0);
    await expect(readFile(path.resolve(dataDir, credentials.terminal.p12))).resolves.toBeInstanceOf(Buffer);
  }, 180_000);

  it('refuses a port that is not a port number', async () => {
    const { env } = await ownCliEnvironment('pglite');
    const result = await runCli(['serve', '--port', 'https'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('renkei: --port https is not a port number');
  });

  it('serves over HTTPS in production mode, where this PC without a certificate is no terminal', async () => {
    const { env, dataDir } = await ownCliEnvironment('pglite');
    const url = await serveCli(env);
    const ca = await readFile(path.join(dataDir, 'pki', 'network-ca.pem'), 'utf8');
    const agent = new Agent({ connect: { ca } });
    const health = await request(`${url}api/health`, { dispatcher: agent });
    expect(await health.body.json()).toEqual({ status: 'ok' });
    const login = await request(`${url}api/login`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'demo-doctor', password: 'x' }) });
    expect(login.statusCode).toBe(403);
    await login.body.dump();
    await agent.close();

    // The server holds the embedded stores; another command reaches them through its socket.
    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(verify.stderr).toBe('');
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: expect.any(Number) });
  }, 60_000);
});
