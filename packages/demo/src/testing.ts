/**
 * A running Renkei server on a fresh data directory: synthetic claims, the
 * demo network (CA, terminal certificates, users, cards), and clients that
 * present a terminal certificate (over real HTTPS, or injected as the
 * TLS-verifying proxy would pass it on), or none.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadOrCreateNetworkCa, loadOrCreateServerTls } from '@renkei/access';
import { buildApp, type ServerOptions } from '@renkei/server';
import { decryptField } from '@renkei/identity';
import { deriveServerKeys, type ServerKeys, type Stores } from '@renkei/store';
import { openTestSnapshot, type Engine } from '@renkei/store/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Agent, request } from 'undici';
import { seedDemoClaims } from './demo-claims.js';
import { seedDemoNetwork, type DemoCredentials } from './demo-network.js';

export interface TestNetwork {
  stores: Stores;
  keys: ServerKeys;
  dataDir: string;
  credentials: DemoCredentials;
  caPem: string;
  close(): Promise<void>;
}

const keys = deriveServerKeys(Buffer.alloc(32, 3));

/**
 * A copy of the test network, seeded once per run (openTestSnapshot): 40
 * persons' claims over six months, and the demo network on them.
 */
export async function openTestNetwork(engine: Engine): Promise<TestNetwork> {
  const snapshot = await openTestSnapshot(engine, 'test-network', async (stores, dataDir) => {
    await seedDemoClaims(stores, keys, path.join(dataDir, 'claims'), { persons: 40, months: 6, seed: 11 });
    return seedDemoNetwork(stores, keys, dataDir, { cards: 3 });
  });
  return {
    stores: snapshot.stores,
    keys,
    dataDir: snapshot.dataDir,
    credentials: snapshot.value,
    caPem: (await loadOrCreateNetworkCa(snapshot.dataDir)).certPem,
    close: () => snapshot.close(),
  };
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The server over real HTTPS on a free port: for what TLS is the point of (the terminal certificate, the browser). */
export async function startServer(network: TestNetwork, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const ca = await loadOrCreateNetworkCa(network.dataDir);
  const tls = await loadOrCreateServerTls(network.dataDir, ca, {});
  const app = await buildApp({ stores: network.stores, keys: network.keys, mode: 'production', networkCa: ca, ...options }, tls);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { app, url: `https://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Where injected requests come from: the network's TLS-verifying proxy, whose verdict on the terminal certificate the server believes. */
const INJECTING_PROXY = '127.0.0.1';

/**
 * The app without a socket, as it runs behind the proxy that verifies the
 * terminal certificates: requests go in through Fastify's `inject` with the
 * proxy's verdict in their headers. For tests of roles and rules, where TLS
 * is not the point; the gate's own TLS tests use `startServer`.
 */
export async function startInjectedServer(network: TestNetwork, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const ca = await loadOrCreateNetworkCa(network.dataDir);
  const tls = await loadOrCreateServerTls(network.dataDir, ca, {});
  const app = await buildApp({ stores: network.stores, keys: network.keys, mode: 'production', networkCa: ca, trustedProxyAddress: INJECTING_PROXY, ...options }, tls);
  await app.ready();
  return { app, url: 'inject:', close: () => app.close() };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it came, for answers that are not JSON. */
  raw: Buffer;
}

/** A request as `Client.raw` sends it: any method, any headers, a body of bytes. */
export interface RawRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

interface Transport {
  send(method: string, pathname: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; headers: Reply['headers']; raw: Buffer }>;
  /** Injected clients only: the request into the app, with the proxy's verdict on the terminal. */
  inject?(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** One browser: a terminal (its certificate over TLS, or the proxy's verdict on it when injected), or none, and a cookie jar. */
export class Client {
  private readonly cookies = new Map<string, string>();

  private constructor(private readonly transport: Transport) {}

  /** Over real TLS, presenting the PKCS#12 (or no certificate). */
  static tls(baseUrl: string, tlsIdentity: { caPem: string; pfx?: Buffer; passphrase?: string }): Client {
    const agent = new Agent({ connect: { ca: tlsIdentity.caPem, pfx: tlsIdentity.pfx, passphrase: tlsIdentity.passphrase } });
    return new Client({
      async send(method, pathname, headers, body) {
        const response = await request(baseUrl + pathname, { method: method as 'GET', dispatcher: agent, headers, body });
        return { status: response.statusCode, headers: response.headers, raw: Buffer.from(await response.body.arrayBuffer()) };
      },
      close: () => agent.close(),
    });
  }

  /** Injected into an app started by `startInjectedServer`, as if the proxy had verified the terminal `serial` (none: no certificate). */
  static injected(server: RunningServer, serial: string | undefined): Client {
    const proxy = serial ? { 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': serial } : { 'x-ssl-client-verify': 'NONE' };
    const inject = (options: InjectOptions) => server.app.inject({ ...options, headers: { ...proxy, ...options.headers }, remoteAddress: INJECTING_PROXY });
    return new Client({
      async send(method, pathname, headers, body) {
        const response = await inject({ method: method as 'GET', url: pathname, headers, payload: body });
        return { status: response.statusCode, headers: response.headers as Reply['headers'], raw: response.rawPayload };
      },
      inject,
      close: async () => undefined,
    });
  }

  /** A browser on a terminal of the facility (default: the hospital's); `null`: the secretariat's. */
  static async terminal(server: RunningServer, network: TestNetwork, facility?: string | null): Promise<Client> {
    const terminal = facility === undefined ? network.credentials.terminal : network.credentials.terminals.find((t) => t.facility === facility);
    if (!terminal) throw new Error(`the demo has no terminal at ${facility}`);
    if (server.url === 'inject:') return Client.injected(server, terminal.serial);
    return Client.tls(server.url, { caPem: network.caPem, pfx: await readFile(terminal.p12), passphrase: terminal.password });
  }

  /** A client on the terminal of the user's own workplace, logged in as the demo user of `role` (or with that ID); a refused login fails the test. */
  static async signedIn(server: RunningServer, network: TestNetwork, role: string): Promise<Client> {
    const user = demoUser(network, role);
    const client = await Client.terminal(server, network, user.facility);
    const reply = await client.login(network, role);
    if (reply.status !== 200) throw new Error(`login as ${role} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return client;
  }

  /** A browser without a terminal certificate. */
  static anonymous(server: RunningServer, network: TestNetwork): Client {
    return server.url === 'inject:' ? Client.injected(server, undefined) : Client.tls(server.url, { caPem: network.caPem });
  }

  /** A request as the web app sends it: a POST always carries JSON (an empty object if there is nothing to say). */
  async call<T = any>(method: 'GET' | 'POST', pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const json = body ?? (method === 'POST' ? {} : undefined);
    const response = await this.transport.send(
      method,
      pathname,
      { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}), ...headers },
      json === undefined ? undefined : JSON.stringify(json),
    );
    const setCookie = response.headers['set-cookie'];
    for (const c of [setCookie ?? []].flat()) {
      const [name, value] = c.split(';')[0]!.split('=') as [string, string | undefined];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const type = String(response.headers['content-type'] ?? '');
    const text = type.includes('json') ? response.raw.toString('utf8') : '';
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers, raw: response.raw };
  }

  /**
   * A request as it stands, on this client's terminal with its session's
   * cookies, answered as the app answers it (`statusCode`, `json()`,
   * `rawPayload`): for what `call` does not send (a STOW-RS body, a DELETE,
   * a Range) or read. Injected clients only (`startInjectedServer`).
   *
   * @example
   * const stored = await doctor.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': stowType }, payload: body });
   */
  raw(request: RawRequest): Promise<LightMyRequestResponse> {
    if (!this.transport.inject) throw new Error('raw requests are injected: start the server with startInjectedServer');
    const { method, url, headers = {}, payload } = request;
    return this.transport.inject({ method, url, headers: { ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}), ...headers }, ...(payload !== undefined ? { payload } : {}) });
  }

  /** The cookies (the session's among them), for requests made outside `call` and `raw`. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async login(network: TestNetwork, role: string): Promise<Reply> {
    const user = demoUser(network, role);
    return this.call('POST', '/api/login', { userId: user.id, password: user.password });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/**
 * One logged-in client per user, kept for the whole file: a new login ends
 * the user's older session. The network and server are read when a user is
 * first asked for (after beforeAll has opened them).
 */
export function loggedInClients(opened: () => { network: TestNetwork; server: RunningServer }): { as: (userId: string) => Promise<Client>; close: () => Promise<void> } {
  const clients = new Map<string, Client>();
  return {
    async as(userId) {
      let client = clients.get(userId);
      if (!client) {
        const { network, server } = opened();
        const user = demoUser(network, userId);
        client = await Client.terminal(server, network, user.facility);
        const reply = await client.call('POST', '/api/login', { userId: user.id, password: user.password });
        if (reply.status !== 200) throw new Error(`login ${userId}: ${reply.status}`);
        clients.set(userId, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}

/** The demo user with this ID, or the first of this role. */
export function demoUser(network: TestNetwork, roleOrId: string): DemoCredentials['users'][number] {
  const user = network.credentials.users.find((u) => u.id === roleOrId) ?? network.credentials.users.find((u) => u.role === roleOrId);
  if (!user) throw new Error(`the demo has no user ${roleOrId}`);
  return user;
}

/** What a person's insurance card says, read from the identity store (as the patient would hand it over at the desk). */
export async function insuranceCardOf(network: TestNetwork, personId: string): Promise<{ insurerNumber: string; symbol: string; number: string; birthDate: string }> {
  const { rows } = await network.stores.identity.query<{ insurer_number: string; symbol_enc: Uint8Array; number_enc: Uint8Array; birth_date_enc: Uint8Array }>(
    'SELECT e.insurer_number, e.symbol_enc, e.number_enc, p.birth_date_enc FROM enrollments e JOIN persons p ON p.id = e.person_id WHERE e.person_id = $1 ORDER BY e.first_service_month LIMIT 1',
    [personId],
  );
  const r = rows[0];
  if (!r) throw new Error(`no enrollment of ${personId}`);
  const key = network.keys.encryption;
  return { insurerNumber: r.insurer_number, symbol: decryptField(key, r.symbol_enc), number: decryptField(key, r.number_enc), birthDate: decryptField(key, r.birth_date_enc) };
}

/** The desk's identity check of a person: a search by their insurance card, which lets the desk session act on them. */
export async function identifyAtDesk(desk: Client, network: TestNetwork, personId: string): Promise<void> {
  const card = await insuranceCardOf(network, personId);
  const found = await desk.call('POST', '/api/desk/persons/search', card);
  if (found.status !== 200 || !found.body.candidates.some((c: { personId: string }) => c.personId === personId)) throw new Error(`the desk did not find ${personId}: ${found.status}`);
}
