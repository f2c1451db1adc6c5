import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateNetworkCa, loadOrCreateServerTls, pkiDir } from '@renkei/access';
import { seedDemoClaims, seedDemoNetwork, type DemoCredentials } from '@renkei/demo';
import { Client } from '@renkei/demo/testing';
import { loadServerKeys, openStores, resolveConfig } from '@renkei/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, cliPath, runCli } from './run-cli.js';

/**
 * A prefecture's deployment in small: nginx verifies the terminal
 * certificates against the network CA and forwards to two `renkei serve
 * --trusted-proxy` processes on one PostgreSQL. Whatever one process does
 * (a revocation, a lockout, a rate limit's count) holds at the other.
 */
describe.runIf(process.env.RENKEI_TEST_POSTGRES)('two servers behind nginx on one PostgreSQL', () => {
  let dir: string;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let credentials: DemoCredentials;
  let caPem: string;
  let proxyUrl: string;
  const processes: ChildProcess[] = [];
  const upstreams: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-two-'));
    const environment = await cliEnvironment('postgres');
    ({ env, drop } = environment);
    const dataDir = environment.dataDir;
    env.RENKEI_SECRET = 'two servers, one network: a test secret of the right length';
    const config = resolveConfig({}, env);
    const stores = await openStores(config);
    const keys = await loadServerKeys(config);
    await seedDemoClaims(stores, keys, path.join(dir, 'claims'), { persons: 30, months: 3, seed: 5 });
    credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: 2 });
    await stores.close();
    const ca = await loadOrCreateNetworkCa(dataDir);
    caPem = ca.certPem;
    // The server certificate exists before either process starts, so that they do not race to make it.
    await loadOrCreateServerTls(dataDir, ca, {});

    for (let i = 0; i < 2; i++) {
      const { child, url } = await serve(env);
      processes.push(child);
      upstreams.push(`127.0.0.1:${new URL(url).port}`);
    }
    const nginx = await startNginx(dir, pkiDir(dataDir), upstreams);
    processes.push(nginx.child);
    proxyUrl = nginx.url;
  }, 300_000);

  afterAll(async () => {
    for (const p of processes) p.kill('SIGTERM');
    await Promise.all(processes.map((p) => new Promise((resolve) => (p.exitCode !== null ? resolve(null) : p.once('exit', resolve)))));
    await drop?.();
    await rm(dir, { recursive: true, force: true });
  });

  const terminal = async (facility: string | null) => {
    const t = credentials.terminals.find((x) => x.facility === facility)!;
    return Client.tls(proxyUrl, { caPem, pfx: await readFile(t.p12), passphrase: t.password });
  };
  const user = (role: string) => credentials.users.find((u) => u.role === role)!;
  const hospital = () => credentials.terminal.facility;

  it('goes through a whole visit whichever process answers: login, card, summary, tabs, logout', async () => {
    const browser = await terminal(hospital());
    const doctor = user('doctor');
    const seen = new Set<string>();
    const call = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
      const reply = await browser.call(method, p, body);
      seen.add(String(reply.headers['x-upstream']));
      return reply;
    };
    expect((await call('POST', '/api/login', { userId: doctor.id, password: doctor.password })).status).toBe(200);
    const opened = await call('POST', '/api/patient-access', { card: credentials.cards[0]!.qr });
    expect(opened.status).toBe(201);
    for (const tab of ['summary', 'history', 'detail', 'disease-groups', 'summary']) expect((await call('GET', `/api/patient-access/${opened.body.accessId}/${tab}`)).status).toBe(200);
    expect((await call('POST', '/api/logout')).status).toBe(200);
    expect((await call('GET', '/api/me')).status).toBe(401);
    expect(seen).toEqual(new Set(upstreams));
    await browser.close();
  });

  it('counts a lockout and a rate limit across both processes', async () => {
    const browser = await terminal(hospital());
    const nurse = user('nurse');
    // Five wrong passwords, alternating between the processes: the terminal backs off at both.
    for (let i = 0; i < 5; i++) expect((await browser.call('POST', '/api/login', { userId: nurse.id, password: `wrong ${i}` })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await browser.call('POST', '/api/login', { userId: nurse.id, password: nurse.password })).status).toBe(401);
    // Ten tries a minute for one typed ID, wherever they land.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await browser.call('POST', '/api/login', { userId: 'typed-by-a-script', password: 'x' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    await browser.close();
  });

  it('keeps the audit chain whole under 32 concurrent clients for 20 s split across both processes', async () => {
    const browser = await terminal(hospital());
    const doctor = user('dentist');
    expect((await browser.call('POST', '/api/login', { userId: doctor.id, password: doctor.password })).status).toBe(200);
    const { accessId } = (await browser.call('POST', '/api/patient-access', { card: credentials.cards[1]!.qr })).body;
    const until = Date.now() + 20_000;
    let answered = 0;
    const failures: number[] = [];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (Date.now() < until) {
          const reply = await browser.call('GET', `/api/patient-access/${accessId}/summary`);
          if (reply.status === 200) answered++;
          else failures.push(reply.status);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(100);
    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    await browser.close();
  }, 120_000);

  it('refuses a terminal revoked through one process at the other on its next request', async () => {
    const operator = await terminal(null);
    const op = user('operator');
    expect((await operator.call('POST', '/api/login', { userId: op.id, password: op.password })).status).toBe(200);
    const browser = await terminal(hospital());
    const clerk = user('clerk');
    expect((await browser.call('POST', '/api/login', { userId: clerk.id, password: clerk.password })).status).toBe(200);
    expect((await operator.call('POST', `/api/admin/terminals/${credentials.terminal.serial}/revoke`)).status).toBe(200);
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const reply = await browser.call('GET', '/api/me');
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('terminal-required');
      seen.add(String(reply.headers['x-upstream']));
    }
    expect(seen).toEqual(new Set(upstreams));
    await Promise.all([operator.close(), browser.close()]);
  });
});

/** `renkei serve` on a free port behind the proxy at 127.0.0.1; resolves once it listens. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--host', '127.0.0.1', '--trusted-proxy', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /Renkei: (https:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`renkei serve exited with ${code}: ${out}`)));
  });
}

/** Debian's nginx as the network's front: TLS with the server certificate, terminal certificates checked against the network CA, passed on in X-SSL-Client-* headers, round robin to the upstreams (named in X-Upstream, for the test to see). */
async function startNginx(dir: string, pki: string, upstreams: string[]): Promise<{ child: ChildProcess; url: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  upstream renkei { ${upstreams.map((u) => `server ${u};`).join(' ')} keepalive 16; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${pki}/server.pem;
    ssl_certificate_key ${pki}/server.key;
    ssl_client_certificate ${pki}/network-ca.pem;
    ssl_verify_client optional;
    location / {
      proxy_pass https://renkei;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_trusted_certificate ${pki}/network-ca.pem;
      proxy_ssl_verify on;
      proxy_ssl_name localhost;
      proxy_next_upstream off;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
      proxy_set_header X-SSL-Client-Serial $ssl_client_serial;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  // Ready once it answers through to a server; on a busy machine that can take a while.
  const deadline = Date.now() + 60_000;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    try {
      const probe = Client.tls(`https://127.0.0.1:${port}`, { caPem: await readFile(`${pki}/network-ca.pem`, 'utf8') });
      const reply = await probe.call('GET', '/api/health');
      await probe.close();
      if (reply.status === 200) return { child, url: `https://127.0.0.1:${port}` };
      last = `${reply.status} ${JSON.stringify(reply.body)}`;
    } catch (failure) {
      last = failure; // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error(`nginx did not answer within 60 s: ${String(last)} ${err}`);
}
