/**
 * What every browser test stands on: a test network (claims, users, cards, the
 * terminal certificate), the server serving the built web app over HTTPS, and
 * Debian's chromium (or CHROMIUM_PATH) driven by Playwright, whose contexts
 * present the terminal's real client certificate.
 */
import { fileURLToPath } from 'node:url';
import { openTestNetwork, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import type { ServerOptions } from '@renkei/server';
import { testEngines, type Engine } from '@renkei/store/testing';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const WEB_ROOT = fileURLToPath(new URL('../dist/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The browser walks each screen once: the screens on PostgreSQL (the network's
 * deployment), the visit (visit.e2e) on PGlite, as `npm start` runs it. A screen
 * is drawn by the same server on either store, and the API tests beneath every
 * screen run on both engines; walking every screen on both was half of the
 * suite's time.
 */
export function screenEngines(): Engine[] {
  return testEngines().slice(-1);
}

/** The embedded store, which `npm start` runs on. */
export function demoEngines(): Engine[] {
  return ['pglite'];
}

/** Debian's chromium, with extra command-line switches (a fake camera, say). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', ...extraArgs] });
}

/**
 * One chromium per test worker, shared by the rigs of every file it runs (the
 * worker keeps its modules from file to file): a launch costs seconds on a busy
 * machine. Each rig closes the contexts it opened; a browser that went away is
 * launched again.
 */
let sharedChromium: Promise<Browser> | undefined;
async function workerChromium(): Promise<Browser> {
  const browser = sharedChromium ? await sharedChromium.catch(() => undefined) : undefined;
  if (browser?.isConnected()) return browser;
  sharedChromium = launchChromium();
  return sharedChromium;
}

export class BrowserRig {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly network: TestNetwork,
    readonly server: RunningServer,
    readonly browser: Browser,
  ) {}

  /** `serverOptions` may depend on the network (made first). */
  static async open(engine: Engine, serverOptions: (network: TestNetwork) => Partial<ServerOptions> | Promise<Partial<ServerOptions>> = () => ({})): Promise<BrowserRig> {
    const network = await openTestNetwork(engine);
    const server = await startServer(network, { webRoot: WEB_ROOT, ...(await serverOptions(network)) });
    return new BrowserRig(network, server, await workerChromium());
  }

  /**
   * A browser profile on a registered terminal: its certificate, Japanese, a
   * laptop's screen. The hospital's terminal unless `facility` names another
   * workplace (null: the secretariat's); `forRole` picks the terminal of that
   * demo user's own workplace, where alone they may log in.
   */
  terminalContext(options: BrowserContextOptions & { facility?: string | null; forRole?: string } = {}, browser: Browser = this.browser): Promise<BrowserContext> {
    const { facility, forRole, ...contextOptions } = options;
    const place = forRole !== undefined ? this.network.credentials.users.find((u) => u.role === forRole || u.id === forRole)!.facility : facility;
    const terminal = place === undefined ? this.network.credentials.terminal : this.network.credentials.terminals.find((t) => t.facility === place)!;
    return this.newContext(
      {
        clientCertificates: [{ origin: this.server.url, pfxPath: terminal.p12, passphrase: terminal.password }],
        ignoreHTTPSErrors: true,
        locale: 'ja-JP',
        viewport: { width: 1280, height: 900 },
        ...contextOptions,
      },
      browser,
    );
  }

  /** A browser profile of this rig's (closed with it), on the shared browser unless another is given. */
  async newContext(options: BrowserContextOptions = {}, browser: Browser = this.browser): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    if (browser === this.browser) this.contexts.push(context);
    return context;
  }

  /** Fills in the login form and submits it (whether it succeeds is the test's to check). */
  async login(page: Page, userId: string, password: string): Promise<void> {
    await page.goto(this.server.url);
    await page.getByLabel('利用者ID').fill(userId);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
  }

  /** Logs in as the demo user of `role` (with another password, to see it refused). */
  loginAs(page: Page, role: string, password?: string): Promise<void> {
    const user = this.network.credentials.users.find((u) => u.role === role)!;
    return this.login(page, user.id, password ?? user.password);
  }

  /** A browser profile at the demo user's own facility, logged in; `ready` names the element to wait for (the exchange menu by default). */
  async signedIn(userId: string, options: BrowserContextOptions & { ready?: string } = {}): Promise<Page> {
    const { ready = 'nav-exchanges', ...contextOptions } = options;
    const user = this.network.credentials.users.find((u) => u.id === userId)!;
    const page = await (await this.terminalContext({ forRole: userId, ...contextOptions })).newPage();
    await this.login(page, userId, user.password);
    await page.getByTestId(ready).waitFor();
    return page;
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((context) => context.close().catch(() => undefined)));
    await this.server.close();
    await this.network.close();
  }
}

/** An API call from the page, with its session and terminal: the status and the JSON answered. */
export function callFromPage(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const r = await fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** DICOM files stored by STOW-RS from the page (as its user at its terminal); the HTTP status answered. */
export function stowFromPage(page: Page, body: Buffer, boundary: string): Promise<number> {
  return page.evaluate(
    async ({ body, boundary }) => {
      const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
      return (await fetch('/dicomweb/studies', { method: 'POST', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` }, body: bytes })).status;
    },
    { body: body.toString('base64'), boundary },
  );
}
