import { ROUTE_ACCESS } from '@renkei/access';
import { openTestNetwork, startInjectedServer, type TestNetwork } from '@renkei/demo/testing';
import { loadOrCreateNetworkCa, loadOrCreateServerTls } from '@renkei/access';
import { buildApp, routeDeclarations } from '@renkei/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Deny by default: every route says who may call it, and one that does not keeps the server from starting. */
describe('route declarations', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await openTestNetwork('pglite');
  });
  afterAll(() => network?.close());

  it('finds an access declaration on every route the server registers, and the administration kept to administrators', async () => {
    const server = await startInjectedServer(network);
    const routes = routeDeclarations(server.app).map((r) => ({ method: [r.method].flat().join(','), url: r.url, access: r.config?.access, studyToken: (r.config as { studyToken?: boolean } | undefined)?.studyToken === true }));
    await server.close();
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) expect(ROUTE_ACCESS, `${r.method} ${r.url}`).toContain(r.access);
    for (const r of routes.filter((r) => r.url.startsWith('/api/admin/'))) expect(['administrator', 'operator'], `${r.method} ${r.url}`).toContain(r.access);
    for (const r of routes.filter((r) => r.url.startsWith('/api/patient-access/:accessId/'))) expect(r.access, r.url).toBe('patient');
    for (const r of routes.filter((r) => r.url.startsWith('/api/desk/'))) expect(r.access, r.url).toBe('desk');
    const imageRoutes = routes.filter((r) => r.url.startsWith('/dicomweb/') || r.url.startsWith('/api/images/'));
    expect(imageRoutes.length).toBeGreaterThan(10);
    // Storing is the image staff's; looking (a study token is for looking), and sending back to one's own PACS what one may look at, is also for the exchange's staff.
    const stores = (r: { method: string; url: string }) => r.method.includes('POST') && !r.url.endsWith('/export') && !r.url.endsWith('/token');
    for (const r of imageRoutes) expect(r.access, `${r.method} ${r.url}`).toBe(stores(r) ? 'images' : 'image-views');
    // A study token stands in for the session on GETs of one study only.
    const tokenRoutes = routes.filter((r) => r.studyToken);
    expect(tokenRoutes.length).toBeGreaterThan(10);
    for (const r of tokenRoutes) expect(['GET', 'HEAD'].includes(r.method) && r.access === 'image-views' && /\/studies\/:study(\/|$)/.test(r.url), `${r.method} ${r.url}`).toBe(true);
    expect([...new Set(routes.filter((r) => r.access === 'open').map((r) => r.url))].sort()).toEqual(['/api/health', '/api/public/facilities', '/api/public/insurers']);
  });

  it('refuses to start with a route that declares no access', async () => {
    const ca = await loadOrCreateNetworkCa(network.dataDir);
    const tls = await loadOrCreateServerTls(network.dataDir, ca, {});
    const app = await buildApp({ stores: network.stores, keys: network.keys, mode: 'production', networkCa: ca }, tls);
    app.get('/api/forgotten', async () => ({ secret: true }));
    await expect(app.ready()).rejects.toThrow(/routes without an access declaration: .*GET \/api\/forgotten/);
    await app.close().catch(() => undefined);
  });
});
