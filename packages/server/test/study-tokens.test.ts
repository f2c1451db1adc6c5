import path from 'node:path';
import { FileBlobStore } from '@renkei/imaging';
import { newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'study-token-boundary';

describe.each(testEngines())('study tokens in the URL on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let clinic: string;
  let hospital: string;
  const studies: Array<{ study: string; series: string; sop: string }> = [];

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    clinic = demoUser(network, 'demo-clinic-doctor').facility!;
    hospital = demoUser(network, 'demo-doctor').facility!;
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
    const doctor = await Client.signedIn(server, network, 'demo-clinic-doctor');
    for (const patientId of ['T-1', 'T-2']) {
      const study = { study: newUid(), series: newUid(), sop: newUid() };
      const slice = syntheticSlice({ studyUid: study.study, seriesUid: study.series, sopInstanceUid: study.sop, instanceNumber: 1, seriesNumber: 1, patientId, patientName: 'Nio^Haruko', birthDate: '19480309', studyDate: '20261201' });
      const stored = await doctor.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: stowBody(BOUNDARY, [slice]) });
      expect(stored.statusCode).toBe(200);
      studies.push(study);
    }
    await doctor.close();
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  const tokenFor = async (client: Client, study: string) => client.call('POST', `/api/images/studies/${study}/token`);
  const bare = () => Client.terminal(server, network, clinic);

  it('lets a viewer without the session cookie read the one study, on the terminal it was issued on; the trail names the user and keeps no token', async () => {
    const doctor = await Client.signedIn(server, network, 'demo-clinic-doctor');
    const [{ study, series, sop }] = studies as [(typeof studies)[number]];
    const issued = await tokenFor(doctor, study);
    expect(issued.status).toBe(200);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const token = encodeURIComponent(issued.body.token);

    const viewer = await bare();
    expect((await viewer.call('GET', `/dicomweb/studies/${study}/metadata`)).status).toBe(401);
    const metadata = await viewer.call('GET', `/dicomweb/studies/${study}/metadata?access_token=${token}`);
    expect(metadata.status).toBe(200);
    expect(metadata.body.map((i: Record<string, { Value: string[] }>) => i['00080018']!.Value[0])).toEqual([sop]);
    // A search within the study: the token is no matching key.
    const searched = await viewer.call('GET', `/dicomweb/studies/${study}/series?access_token=${token}`);
    expect(searched.status).toBe(200);
    expect(searched.body.map((s: Record<string, { Value: string[] }>) => s['0020000E']!.Value[0])).toEqual([series]);
    const rendered = await viewer.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${series}/instances/${sop}/rendered?access_token=${token}`, headers: { accept: 'image/png' } });
    expect(rendered.statusCode).toBe(200);
    expect(rendered.headers['content-type']).toBe('image/png');
    expect((await viewer.raw({ method: 'GET', url: `/api/images/studies/${study}/download?access_token=${token}` })).statusCode).toBe(200);

    const trail = await network.stores.clinical.query<{ actor: string; action: string }>(
      "SELECT actor, action FROM audit_events WHERE detail->>'study' = $1 AND action IN ('images.token', 'images.metadata', 'images.download') AND outcome = 'allowed' ORDER BY id",
      [study],
    );
    expect(trail.rows).toEqual([
      { actor: 'demo-clinic-doctor', action: 'images.token' },
      { actor: 'demo-clinic-doctor', action: 'images.metadata' },
      { actor: 'demo-clinic-doctor', action: 'images.download' },
    ]);
    const mac = String(issued.body.token).split('.')[2]!;
    const kept = await network.stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE detail::text LIKE $1', [`%${mac}%`]);
    expect(Number(kept.rows[0]!.n)).toBe(0);
    await doctor.close();
    await viewer.close();
  });

  it('is good for nothing else: another study, another terminal, an altered token, a route that takes none, a session that ended', async () => {
    const doctor = await Client.signedIn(server, network, 'demo-clinic-doctor');
    const [first, second] = studies as [(typeof studies)[number], (typeof studies)[number]];
    const issued = await tokenFor(doctor, first.study);
    const token = String(issued.body.token);
    const viewer = await bare();
    const status = async (client: Client, url: string) => (await client.raw({ method: 'GET', url })).statusCode;

    expect(await status(viewer, `/dicomweb/studies/${second.study}/metadata?access_token=${token}`)).toBe(401);
    const elsewhere = await Client.terminal(server, network, hospital);
    expect(await status(elsewhere, `/dicomweb/studies/${first.study}/metadata?access_token=${token}`)).toBe(401);
    const [hash, expiry, mac] = token.split('.') as [string, string, string];
    const later = `${hash}.${(parseInt(expiry, 36) + 3_600_000).toString(36)}.${mac}`;
    expect(await status(viewer, `/dicomweb/studies/${first.study}/metadata?access_token=${later}`)).toBe(401);
    // Only a GET of the study itself: not the study search, not the API, not a store.
    expect(await status(viewer, `/dicomweb/studies?access_token=${token}`)).toBe(401);
    expect(await status(viewer, `/api/me?access_token=${token}`)).toBe(401);
    const stow = await viewer.raw({ method: 'POST', url: `/dicomweb/studies/${first.study}?access_token=${token}`, headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: stowBody(BOUNDARY, []) });
    expect(stow.statusCode).toBe(401);

    expect(await status(viewer, `/dicomweb/studies/${first.study}/metadata?access_token=${token}`)).toBe(200);
    expect((await doctor.call('POST', '/api/logout')).status).toBe(200);
    expect(await status(viewer, `/dicomweb/studies/${first.study}/metadata?access_token=${token}`)).toBe(401);
    await Promise.all([doctor.close(), viewer.close(), elsewhere.close()]);
  });

  it('holds over TLS, where the terminal is the certificate it presents', async () => {
    const tls = await startServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
    try {
      const doctor = await Client.signedIn(tls, network, 'demo-clinic-doctor');
      const issued = await tokenFor(doctor, studies[0]!.study);
      expect(issued.status).toBe(200);
      const viewer = await Client.terminal(tls, network, clinic);
      expect((await viewer.call('GET', `/dicomweb/studies/${studies[0]!.study}/metadata?access_token=${issued.body.token}`)).status).toBe(200);
      const elsewhere = await Client.terminal(tls, network, hospital);
      expect((await elsewhere.call('GET', `/dicomweb/studies/${studies[0]!.study}/metadata?access_token=${issued.body.token}`)).status).toBe(401);
      await Promise.all([doctor.close(), viewer.close(), elsewhere.close()]);
    } finally {
      await tls.close();
    }
  });

  it('is issued only for a study the caller sees: another facility\'s answers as an unknown one', async () => {
    const radiologist = await Client.signedIn(server, network, 'demo-doctor');
    const theirs = await tokenFor(radiologist, studies[0]!.study);
    const unknown = await tokenFor(radiologist, newUid());
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
    await radiologist.close();
  });
});
