import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileBlobStore } from '@renkei/imaging';
import { bmpPicture, dcmtk, decodePng, newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'rendered-test-boundary';

describe.each(testEngines())('WADO-RS rendered and thumbnail on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let doctor: Client;
  const study = newUid();
  const ctSeries = newUid();
  const largeSeries = newUid();
  const otherSeries = newUid();
  const patient = { patientId: 'KARTE-0512', patientName: 'Takeda^Jiro', studyDate: '20260601', accessionNumber: 'ACC-512' };
  const slices = [1, 2, 3].map((n) => ({ uid: newUid(), n }));
  const large = newUid();
  /** The same slice in each transfer syntax dcmconv writes, and once JPEG-compressed by dcmcjpeg. */
  const encoded: Record<'implicit' | 'bigEndian' | 'deflated' | 'jpeg' | 'rgb', string> = { implicit: newUid(), bigEndian: newUid(), deflated: newUid(), jpeg: newUid(), rgb: newUid() };

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
    const files: Buffer[] = slices.map(({ uid, n }) => syntheticSlice({ studyUid: study, seriesUid: ctSeries, sopInstanceUid: uid, instanceNumber: n, ...patient }));
    files.push(syntheticSlice({ studyUid: study, seriesUid: largeSeries, seriesNumber: 2, sopInstanceUid: large, rows: 300, columns: 200, ...patient }));
    const convert = async (sop: string, tool: string, args: string[]) => {
      const source = folder.file(`${sop}.src.dcm`);
      const target = folder.file(`${sop}.dcm`);
      await writeFile(source, syntheticSlice({ studyUid: study, seriesUid: otherSeries, seriesNumber: 3, sopInstanceUid: sop, ...patient }));
      await dcmtk(tool, [...args, source, target]);
      files.push(await readFile(target));
    };
    await convert(encoded.implicit, 'dcmconv', ['+ti']);
    await convert(encoded.bigEndian, 'dcmconv', ['+tb']);
    await convert(encoded.deflated, 'dcmconv', ['+td']);
    await convert(encoded.jpeg, 'dcmcjpeg', []);
    // An RGB secondary capture made by img2dcm from a 24-bit BMP (40×30).
    const bmp = folder.file('picture.bmp');
    await writeFile(bmp, bmpPicture(40, 30));
    const rgb = folder.file('picture.dcm');
    await dcmtk('img2dcm', ['-i', 'BMP', bmp, rgb, '-k', `StudyInstanceUID=${study}`, '-k', `SeriesInstanceUID=${otherSeries}`, '-k', `SOPInstanceUID=${encoded.rgb}`, '-k', 'SeriesNumber=3', '-k', `PatientID=${patient.patientId}`, '-k', `PatientName=${patient.patientName}`, '-k', `StudyDate=${patient.studyDate}`, '-k', `AccessionNumber=${patient.accessionNumber}`]);
    files.push(await readFile(rgb));

    const technologist = await Client.signedIn(server, network, 'technologist');
    const stored = await raw(technologist, 'technologist', 'POST', '/dicomweb/studies', { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, stowBody(BOUNDARY, files));
    expect(stored.statusCode, stored.body).toBe(200);
    await technologist.close();
    doctor = await Client.signedIn(server, network, 'doctor');
  });
  afterAll(async () => {
    await doctor?.close();
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  async function raw(client: Client, role: string, method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: Buffer) {
    const user = demoUser(network, role);
    const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
    return server.app.inject({
      method,
      url,
      headers: { 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': terminal.serial, cookie: client.cookieHeader(), ...headers },
      ...(payload ? { payload } : {}),
      remoteAddress: '127.0.0.1',
    });
  }
  const get = (url: string, headers: Record<string, string> = {}) => raw(doctor, 'doctor', 'GET', url, headers);
  const instanceUrl = (series: string, sop: string) => `/dicomweb/studies/${study}/series/${series}/instances/${sop}`;
  async function png(url: string, headers: Record<string, string> = {}) {
    const reply = await get(url, headers);
    expect(reply.statusCode, `${url}: ${reply.body.slice(0, 200)}`).toBe(200);
    expect(reply.headers['content-type']).toBe('image/png');
    return decodePng(reply.rawPayload);
  }

  it('renders a CT slice with the window of its header: the body bright, the air around it black', async () => {
    const image = await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered`);
    expect([image.width, image.height, image.colorType]).toEqual([64, 64, 0]);
    // Inside the circle the values are 40–99 HU (window 40/400: about mid grey); outside, -1000 (black).
    expect(image.grey(32, 32)).toBeGreaterThan(120);
    expect(image.grey(32, 32)).toBeLessThan(180);
    expect(image.grey(0, 0)).toBe(0);
    const frame = await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/frames/1/rendered`, { accept: 'image/png' });
    expect(Buffer.compare(frame.data, image.data)).toBe(0);
    // A narrow window asked for in the query makes the body white.
    const narrow = await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered?window=0,2,linear`);
    expect(narrow.grey(32, 32)).toBe(255);
    expect(narrow.grey(0, 0)).toBe(0);
    const viewport = await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered?viewport=256,128`);
    expect([viewport.width, viewport.height]).toEqual([128, 128]);
    expect((await get(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered?window=40`)).statusCode).toBe(400);
    expect((await get(`${instanceUrl(ctSeries, slices[0]!.uid)}/frames/2/rendered`)).statusCode).toBe(404);
  });

  it('renders implicit little endian, big endian and deflated instances alike, and RGB as it is', async () => {
    const { rows } = await network.stores.clinical.query<{ sop_instance_uid: string; transfer_syntax_uid: string }>('SELECT sop_instance_uid, transfer_syntax_uid FROM imaging_instances WHERE series_uid = $1', [otherSeries]);
    const syntaxes = Object.fromEntries(rows.map((r) => [r.sop_instance_uid, r.transfer_syntax_uid]));
    expect([syntaxes[encoded.implicit], syntaxes[encoded.bigEndian], syntaxes[encoded.deflated], syntaxes[encoded.jpeg]]).toEqual(['1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.4.70']);
    const reference = await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered`);
    for (const sop of [encoded.implicit, encoded.bigEndian, encoded.deflated]) {
      const image = await png(`${instanceUrl(otherSeries, sop)}/rendered`);
      expect([image.width, image.height]).toEqual([64, 64]);
      expect(image.grey(0, 0)).toBe(0);
      expect(Math.abs(image.grey(32, 32) - reference.grey(32, 32)), sop).toBeLessThan(30);
    }
    const rgb = await png(`${instanceUrl(otherSeries, encoded.rgb)}/rendered`);
    expect([rgb.width, rgb.height, rgb.colorType]).toEqual([40, 30, 2]);
    // The BMP's red is 128 everywhere, its blue grows to the right and its green upwards (BMP rows go bottom to top).
    expect(rgb.rgb(20, 15)[0]).toBe(128);
    expect(rgb.rgb(39, 15)[2]).toBeGreaterThan(200);
    expect(rgb.rgb(0, 15)[2]).toBeLessThan(20);
    expect(rgb.rgb(20, 0)[1]).toBeGreaterThan(200);
    expect(rgb.rgb(20, 29)[1]).toBeLessThan(20);
  });

  it('answers thumbnails of an instance, a series (its middle instance) and a study at most 128 pixels', async () => {
    const instance = await png(`${instanceUrl(largeSeries, large)}/thumbnail`);
    expect([instance.width, instance.height]).toEqual([85, 128]);
    const rendered = await png(`${instanceUrl(largeSeries, large)}/rendered`);
    expect([rendered.width, rendered.height]).toEqual([200, 300]);
    const series = await png(`/dicomweb/studies/${study}/series/${ctSeries}/thumbnail`);
    const middle = await png(`${instanceUrl(ctSeries, slices[1]!.uid)}/thumbnail`);
    expect(Buffer.compare(series.data, middle.data)).toBe(0);
    expect(Buffer.compare(series.data, (await png(`${instanceUrl(ctSeries, slices[0]!.uid)}/thumbnail`)).data)).not.toBe(0);
    const whole = await png(`/dicomweb/studies/${study}/thumbnail`);
    expect(Buffer.compare(whole.data, middle.data)).toBe(0);
    const asked = await png(`/dicomweb/studies/${study}/thumbnail?viewport=32,32`);
    expect([asked.width, asked.height]).toEqual([32, 32]);

    const { rows } = await network.stores.clinical.query<{ action: string; detail: { instance: string } }>("SELECT action, detail FROM audit_events WHERE action IN ('images.rendered', 'images.thumbnail') ORDER BY id");
    expect(rows.some((r) => r.action === 'images.thumbnail' && r.detail.instance === slices[1]!.uid)).toBe(true);
    expect(rows.some((r) => r.action === 'images.rendered')).toBe(true);
  });

  it('refuses an Accept without PNG with 406', async () => {
    const json = await get(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered`, { accept: 'application/json' });
    expect(json.statusCode).toBe(406);
    expect((await get(`${instanceUrl(ctSeries, slices[0]!.uid)}/rendered`, { accept: 'image/jpeg, image/*;q=0.5' })).statusCode).toBe(200);
  });

  it('answers another facility\'s doctor as if the study did not exist', async () => {
    const outsider = await Client.signedIn(server, network, 'demo-clinic-doctor');
    const unknown = newUid();
    for (const suffix of [`/series/${ctSeries}/instances/${slices[0]!.uid}/rendered`, `/series/${ctSeries}/instances/${slices[0]!.uid}/frames/1/rendered`, `/series/${ctSeries}/instances/${slices[0]!.uid}/thumbnail`, `/series/${ctSeries}/thumbnail`, '/thumbnail']) {
      const forbidden = await raw(outsider, 'demo-clinic-doctor', 'GET', `/dicomweb/studies/${study}${suffix}`);
      const missing = await raw(outsider, 'demo-clinic-doctor', 'GET', `/dicomweb/studies/${unknown}${suffix}`);
      expect(forbidden.statusCode, suffix).toBe(404);
      expect(forbidden.body).toBe(missing.body);
    }
    await outsider.close();
  });
});
