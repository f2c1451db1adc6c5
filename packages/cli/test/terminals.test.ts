import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { upsertFacility } from '@renkei/access';
import { openStores, resolveConfig } from '@renkei/store';
import { testEngines, type Engine } from '@renkei/store/testing';
import forge from 'node-forge';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cliEnvironment, ownCopyOf, runCli, serveCli, type CliEnvironment } from './run-cli.js';

const HOSPITAL = '3710100011';

/** A fresh environment whose identity store knows one facility. */
async function environmentWithFacility(engine: Engine): Promise<CliEnvironment> {
  const environment = await cliEnvironment(engine);
  const stores = await openStores(resolveConfig({}, environment.env));
  await upsertFacility(stores.identity, { code: HOSPITAL, name: '高松中央病院', kind: 'hospital' });
  await stores.close();
  return environment;
}

/** The serial of the certificate in a PKCS#12 file, as the network writes serials. */
function serialIn(p12: Buffer, password: string): string {
  const bundle = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), password);
  const certs = bundle.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!;
  const terminal = certs.map((bag) => bag.cert!).find((cert) => cert.subject.getField('O')?.value === 'Renkei terminal')!;
  return terminal.serialNumber.replace(/^0+/, '').toLowerCase();
}

describe('renkei terminals --help', () => {
  it.each([['terminals'], ['terminals', 'issue'], ['terminals', 'revoke'], ['terminals', 'list']])('renkei %s --help', async (...command) => {
    const { code, stdout } = await runCli([...command.flat(), '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: renkei/);
  });
});

describe.each(testEngines())('renkei terminals on %s', (engine) => {
  // The facility is made once; each test issues and revokes in a copy of its own.
  let withFacility: CliEnvironment;
  beforeAll(async () => {
    withFacility = await environmentWithFacility(engine);
  });
  afterAll(async () => withFacility?.drop());

  it('issues a certificate as a PKCS#12 file that opens with the generated password, and says so as JSON', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const out = path.join(dir, 'pc1.p12');
    const result = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '外来1診察室', '--out', out, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const issued = JSON.parse(result.stdout);
    expect(Object.keys(issued)).toEqual(['serial', 'password', 'p12']);
    expect(issued).toEqual({ serial: expect.stringMatching(/^[0-9a-f]+$/), password: expect.any(String), p12: out });
    const p12 = await readFile(out);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(() => createSecureContext({ pfx: p12, passphrase: issued.password })).not.toThrow();
    expect(() => createSecureContext({ pfx: p12, passphrase: 'wrong' })).toThrow();
    expect(serialIn(p12, issued.password)).toBe(issued.serial);

    const list = await runCli(['terminals', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ serial: issued.serial, facilityCode: HOSPITAL, name: '外来1診察室', status: 'active' }));
  });

  it('takes a chosen password and then prints the serial but no password', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const out = path.join(dir, 'pc2.p12');
    const result = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '受付', '--out', out, '--password', 'uketsuke-pass'], env);
    expect(result.code).toBe(0);
    const serial = /^serial: ([0-9a-f]+)$/m.exec(result.stdout)![1]!;
    expect(result.stdout).not.toContain('password');
    expect(serialIn(await readFile(out), 'uketsuke-pass')).toBe(serial);
  });

  it('replaces an existing file with one only its owner can read, leaving nothing else behind', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const out = path.join(dir, 'replaced', 'pc3.p12');
    await mkdir(path.dirname(out));
    await writeFile(out, 'an old export', { mode: 0o644 });
    const result = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '処置室', '--out', out, '--password', 'shochi-pass'], env);
    expect(result.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(serialIn(await readFile(out), 'shochi-pass')).toBe(/^serial: ([0-9a-f]+)$/m.exec(result.stdout)![1]!);
    expect(await readdir(path.dirname(out))).toEqual(['pc3.p12']);
  });

  it('revokes a terminal once; an unknown or already revoked serial is refused with one line', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const out = path.join(dir, 'pc3.p12');
    const { serial } = JSON.parse((await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '病棟', '--out', out, '--json'], env)).stdout);
    const revoked = await runCli(['terminals', 'revoke', serial], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout.trim()).toBe(`revoked: ${serial}`);
    const again = await runCli(['terminals', 'revoke', serial], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([`renkei: terminal ${serial} is already revoked`]);
    const unknown = await runCli(['terminals', 'revoke', '7fffffffffffffff'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual(['renkei: no terminal with serial 7fffffffffffffff']);
    expect(JSON.parse((await runCli(['terminals', 'list', '--json'], env)).stdout)).toContainEqual(expect.objectContaining({ serial, status: 'revoked' }));
  });

  it('refuses an unknown facility or a malformed code with one line, issuing nothing', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const out = path.join(dir, 'none.p12');
    const unknown = await runCli(['terminals', 'issue', '--facility', '3799999999', '--name', 'x', '--out', out], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual(['renkei: unknown facility 3799999999']);
    await expect(stat(out)).rejects.toThrow('ENOENT');
    const malformed = await runCli(['terminals', 'issue', '--facility', 'hospital', '--name', 'x', '--out', out], env);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim()).toBe("renkei: --facility hospital: give the facility's 10-digit code");
    const noOut = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', 'x'], env);
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toContain("required option '--out <FILE.p12>' not specified");
    const unwritable = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', 'x', '--out', path.join(dir, 'no-such-dir', 'x.p12')], env);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^renkei: --out .*: cannot write the file \(ENOENT\)\n$/);
    // No refusal left a terminal behind.
    expect(JSON.parse((await runCli(['terminals', 'list', '--json'], env)).stdout)).toEqual([]);
  });

  it('audits issues and revocations, allowed and refused, in an intact chain', async () => {
    const { env, dir } = await ownCopyOf(withFacility);
    const { serial } = JSON.parse((await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '病棟', '--out', path.join(dir, 'pc.p12'), '--json'], env)).stdout);
    await runCli(['terminals', 'revoke', serial], env);
    await runCli(['terminals', 'revoke', serial], env);
    await runCli(['terminals', 'issue', '--facility', '3799999999', '--name', 'x', '--out', path.join(dir, 'none.p12')], env);
    const verify = await runCli(['audit', 'verify', '--json'], env);
    // issued, revoked, revocation refused (already revoked), issue refused (unknown facility)
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: 4 });
  });
});

describe('renkei terminals while the server runs on the embedded databases', () => {
  it('issues a terminal that works at once, and a revocation refuses its very next request', async () => {
    const environment = await environmentWithFacility('pglite');
    onTestFinished(() => environment.drop());
    const { env, dir } = environment;
    const url = await serveCli(env);

    // Through the server's socket: the server holds the embedded databases.
    const out = path.join(dir, 'pc.p12');
    const issued = await runCli(['terminals', 'issue', '--facility', HOSPITAL, '--name', '外来1', '--out', out, '--json'], env);
    expect(issued.stderr).toBe('');
    const { serial, password } = JSON.parse(issued.stdout);
    const ca = await readFile(path.join(environment.dataDir, 'pki', 'network-ca.pem'), 'utf8');
    const pc = new Agent({ connect: { ca, pfx: await readFile(out), passphrase: password } });
    const ask = async () => {
      const response = await request(`${url}api/terminal`, { dispatcher: pc });
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };
    expect(await ask()).toEqual({ status: 200, body: { name: '外来1', facilityCode: HOSPITAL, demo: false } });

    const revoked = await runCli(['terminals', 'revoke', serial], env);
    expect(revoked.stderr).toBe('');
    expect(revoked.code).toBe(0);
    const refused = await ask();
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'terminal-required' } });
    await pc.close();
  }, 60_000);
});
