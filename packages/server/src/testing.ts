/**
 * A running Renkei server over real HTTPS on a fresh data directory: synthetic
 * claims, the demo network (CA, terminal certificate, users, cards), and HTTP
 * clients that present the terminal certificate, or none.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateNetworkCa, loadOrCreateServerTls } from '@renkei/access';
import { seedDemoClaims, seedDemoNetwork, type DemoCredentials } from '@renkei/admin';
import { deriveServerKeys, type ServerKeys, type Stores } from '@renkei/store';
import { openTestStores, type Engine } from '@renkei/store/testing';
import type { FastifyInstance } from 'fastify';
import { Agent, request } from 'undici';
import { buildApp } from './app.js';
import type { ServerOptions } from './options.js';

export interface TestNetwork {
  stores: Stores;
  keys: ServerKeys;
  dataDir: string;
  credentials: DemoCredentials;
  caPem: string;
  close(): Promise<void>;
}

export async function openTestNetwork(engine: Engine): Promise<TestNetwork> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'renkei-server-'));
  const stores = await openTestStores(engine);
  const keys = deriveServerKeys(Buffer.alloc(32, 3));
  await seedDemoClaims(stores, keys, path.join(dataDir, 'claims'), { persons: 40, months: 6, seed: 11 });
  const credentials = await seedDemoNetwork(stores, keys, dataDir, { cards: 3 });
  return {
    stores,
    keys,
    dataDir,
    credentials,
    caPem: (await loadOrCreateNetworkCa(dataDir)).certPem,
    async close() {
      await stores.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(network: TestNetwork, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const ca = await loadOrCreateNetworkCa(network.dataDir);
  const tls = await loadOrCreateServerTls(network.dataDir, ca, {});
  const app = await buildApp({ stores: network.stores, keys: network.keys, mode: 'production', networkCa: ca, ...options }, tls);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { app, url: `https://127.0.0.1:${address.port}`, close: () => app.close() };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** One browser: a TLS identity (the terminal's PKCS#12, or none) and a cookie jar. */
export class Client {
  private cookie: string | undefined;
  readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    tlsIdentity: { caPem: string; pfx?: Buffer; passphrase?: string },
  ) {
    this.agent = new Agent({ connect: { ca: tlsIdentity.caPem, pfx: tlsIdentity.pfx, passphrase: tlsIdentity.passphrase } });
  }

  static async terminal(server: RunningServer, network: TestNetwork): Promise<Client> {
    return new Client(server.url, { caPem: network.caPem, pfx: await readFile(network.credentials.terminal.p12), passphrase: network.credentials.terminal.password });
  }

  /** A terminal client logged in as the demo user of `role`; a refused login fails the test. */
  static async signedIn(server: RunningServer, network: TestNetwork, role: string): Promise<Client> {
    const client = await Client.terminal(server, network);
    const reply = await client.login(network, role);
    if (reply.status !== 200) throw new Error(`login as ${role} answered ${reply.status}`);
    return client;
  }

  static anonymous(server: RunningServer, network: TestNetwork): Client {
    return new Client(server.url, { caPem: network.caPem });
  }

  async call<T = any>(method: 'GET' | 'POST', pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await request(this.baseUrl + pathname, {
      method,
      dispatcher: this.agent,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers['set-cookie'];
    for (const c of [setCookie ?? []].flat()) this.cookie = c.split(';')[0]!.endsWith('=') ? undefined : c.split(';')[0];
    const text = await response.body.text();
    return { status: response.statusCode, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** The session cookie, for requests made outside `call`. */
  cookieHeader(): string {
    return this.cookie ?? '';
  }

  async login(network: TestNetwork, role: string): Promise<Reply> {
    const user = network.credentials.users.find((u) => u.role === role)!;
    return this.call('POST', '/api/login', { userId: user.id, password: user.password });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
