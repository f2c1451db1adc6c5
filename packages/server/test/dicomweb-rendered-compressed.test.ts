import path from 'node:path';
import { FileBlobStore } from '@renkei/imaging';
import { decodePng, newUid, rgbSecondaryCapture, sopInstanceUidOf, stowBody, syntheticSlice, transcoded, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'rendered-compressed-boundary';

type Tool = Parameters<typeof transcoded>[1];
interface Encoding {
  name: string;
  tool: Tool;
  args: string[];
  syntax: string;
}

/** The compressions a modality or a PACS sends, each made by the real tool from the same native slice. */
const LOSSLESS: Encoding[] = [
  { name: 'JPEG lossless SV1 (dcmcjpeg)', tool: 'dcmcjpeg', args: [], syntax: '1.2.840.10008.1.2.4.70' },
  { name: 'JPEG lossless (dcmcjpeg +el)', tool: 'dcmcjpeg', args: ['+el'], syntax: '1.2.840.10008.1.2.4.57' },
  { name: 'JPEG-LS lossless (gdcmconv)', tool: 'gdcmconv', args: ['--jpegls'], syntax: '1.2.840.10008.1.2.4.80' },
  { name: 'JPEG 2000 lossless (gdcmconv)', tool: 'gdcmconv', args: ['--j2k'], syntax: '1.2.840.10008.1.2.4.90' },
  { name: 'RLE (dcmcrle)', tool: 'dcmcrle', args: [], syntax: '1.2.840.10008.1.2.5' },
  { name: 'RLE (gdcmconv)', tool: 'gdcmconv', args: ['--rle'], syntax: '1.2.840.10008.1.2.5' },
];
const LOSSY: Encoding[] = [
  { name: 'JPEG baseline (dcmcjpeg +eb)', tool: 'dcmcjpeg', args: ['+eb'], syntax: '1.2.840.10008.1.2.4.50' },
  { name: 'JPEG extended, 8-bit (dcmcjpeg +ee)', tool: 'dcmcjpeg', args: ['+ee'], syntax: '1.2.840.10008.1.2.4.51' },
  { name: 'JPEG-LS near-lossless (gdcmconv --lossy)', tool: 'gdcmconv', args: ['--jpegls', '--lossy'], syntax: '1.2.840.10008.1.2.4.81' },
  { name: 'JPEG 2000 irreversible (gdcmconv --lossy)', tool: 'gdcmconv', args: ['--j2k', '--lossy'], syntax: '1.2.840.10008.1.2.4.91' },
];
/** dcmcjpeg +ee keeps 12 bits of a 16-bit CT slice: that one is the refusal below, not a rendering. */
const CT_LOSSY = LOSSY.filter((e) => e.syntax !== '1.2.840.10008.1.2.4.51');
const COLOUR: Encoding[] = [
  { name: 'JPEG lossless (dcmcjpeg)', tool: 'dcmcjpeg', args: [], syntax: '1.2.840.10008.1.2.4.70' },
  { name: 'JPEG-LS lossless (gdcmconv)', tool: 'gdcmconv', args: ['--jpegls'], syntax: '1.2.840.10008.1.2.4.80' },
  { name: 'JPEG 2000 lossless (gdcmconv)', tool: 'gdcmconv', args: ['--j2k'], syntax: '1.2.840.10008.1.2.4.90' },
  { name: 'RLE with planar configuration 1 (gdcmconv)', tool: 'gdcmconv', args: ['--rle'], syntax: '1.2.840.10008.1.2.5' },
];

function meanAbsoluteDifference(a: { width: number; height: number; data: Buffer }, b: { width: number; height: number; data: Buffer }): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

describe.each(testEngines())('WADO-RS rendered and thumbnail of compressed instances on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let doctor: Client;
  const study = newUid();
  /** A study of one series of three JPEG-LS slices, for the series' and the study's thumbnails. */
  const thumbnailStudy = newUid();
  const patient = { patientId: 'KARTE-0620', patientName: 'Mori^Hanako', studyDate: '20260620', accessionNumber: 'ACC-620' };
  /** Series: the native originals, the CT slice compressed, the 8-bit MR slice compressed, the colour picture compressed, three slices in JPEG-LS, and a multi-frame instance compressed. */
  const series = { native: newUid(), ct: newUid(), mr: newUid(), colour: newUid(), thumbnails: newUid(), multiFrame: newUid() };
  const native = { ct: newUid(), mr: newUid(), rgb: newUid(), middle: newUid(), multiFrame: newUid() };
  /** Three frames: in JPEG lossless cut into 1 KiB fragments (two a frame, found by the Basic Offset Table), in JPEG 2000 and RLE one fragment a frame. */
  const MULTI_FRAME: Encoding[] = [
    { name: 'JPEG lossless in 1 KiB fragments (dcmcjpeg +fs 1)', tool: 'dcmcjpeg', args: ['+fs', '1'], syntax: '1.2.840.10008.1.2.4.70' },
    { name: 'JPEG 2000 lossless (gdcmconv)', tool: 'gdcmconv', args: ['--j2k'], syntax: '1.2.840.10008.1.2.4.90' },
    { name: 'RLE (dcmcrle)', tool: 'dcmcrle', args: [], syntax: '1.2.840.10008.1.2.5' },
  ];
  const sops = new Map<string, string>();
  const thumbnailSlices = [1, 2, 3].map(() => newUid());

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
    const ct = (seriesUid: string, sopInstanceUid: string, seriesNumber: number, seed = 1, studyUid = study) => syntheticSlice({ studyUid, seriesUid, sopInstanceUid, seriesNumber, seed, instanceNumber: seed, rows: 48, columns: 64, ...patient });
    const mr = (seriesUid: string, sopInstanceUid: string, seriesNumber: number) => syntheticSlice({ studyUid: study, seriesUid, sopInstanceUid, seriesNumber, bitsAllocated: 8, modality: 'MR', ...patient });
    const rgb = (seriesUid: string, sopInstanceUid: string, seriesNumber: number) =>
      rgbSecondaryCapture(40, 30, { StudyInstanceUID: study, SeriesInstanceUID: seriesUid, SOPInstanceUID: sopInstanceUid, SeriesNumber: String(seriesNumber), PatientID: patient.patientId, PatientName: patient.patientName, StudyDate: patient.studyDate, AccessionNumber: patient.accessionNumber });

    const multiFrame = (seriesUid: string, sopInstanceUid: string, seriesNumber: number) => syntheticSlice({ studyUid: study, seriesUid, sopInstanceUid, seriesNumber, frames: 3, rows: 48, columns: 64, ...patient });
    const files: Buffer[] = [ct(series.native, native.ct, 1), mr(series.native, native.mr, 1), await rgb(series.native, native.rgb, 1), ct(series.native, native.middle, 1, 2), multiFrame(series.native, native.multiFrame, 1)];
    /** Each encoding of an original, under its key; a lossy one has a new SOP Instance UID. */
    const add = async (key: string, original: Buffer, encoding: Pick<Encoding, 'tool' | 'args'>) => {
      const file = await transcoded(original, encoding.tool, encoding.args);
      sops.set(key, await sopInstanceUidOf(file));
      files.push(file);
    };
    for (const encoding of [...LOSSLESS, ...CT_LOSSY]) await add(`ct ${encoding.name}`, ct(series.ct, newUid(), 2), encoding);
    for (const encoding of LOSSY) await add(`mr ${encoding.name}`, mr(series.mr, newUid(), 3), encoding);
    for (const encoding of [...COLOUR, { name: 'JPEG baseline (dcmcjpeg +eb)', tool: 'dcmcjpeg' as const, args: ['+eb'] }]) await add(`rgb ${encoding.name}`, await rgb(series.colour, newUid(), 4), encoding);
    for (const encoding of MULTI_FRAME) await add(`multi-frame ${encoding.name}`, multiFrame(series.multiFrame, newUid(), 6), encoding);
    // dcmcjpeg +ee keeps 12 bits of the CT slice: DCT with 12-bit samples, which nothing on npm decodes.
    await add('ct 12-bit', ct(series.ct, newUid(), 2), { tool: 'dcmcjpeg', args: ['+ee'] });
    for (const [i, sop] of thumbnailSlices.entries()) files.push(await transcoded(ct(series.thumbnails, sop, 1, i + 1, thumbnailStudy), 'gdcmconv', ['--jpegls']));

    const technologist = await Client.signedIn(server, network, 'technologist');
    const stored = await raw(technologist, 'technologist', `/dicomweb/studies`, 'POST', stowBody(BOUNDARY, files));
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

  async function raw(client: Client, role: string, url: string, method: 'GET' | 'POST' = 'GET', payload?: Buffer) {
    const user = demoUser(network, role);
    const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
    return server.app.inject({
      method,
      url,
      headers: {
        'x-ssl-client-verify': 'SUCCESS',
        'x-ssl-client-serial': terminal.serial,
        cookie: client.cookieHeader(),
        ...(payload ? { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` } : {}),
      },
      ...(payload ? { payload } : {}),
      remoteAddress: '127.0.0.1',
    });
  }
  const instanceUrl = (seriesUid: string, sop: string, studyUid = study) => `/dicomweb/studies/${studyUid}/series/${seriesUid}/instances/${sop}`;
  async function png(url: string) {
    const reply = await raw(doctor, 'doctor', url);
    expect(reply.statusCode, `${url}: ${reply.body.slice(0, 300)}`).toBe(200);
    expect(reply.headers['content-type']).toBe('image/png');
    return decodePng(reply.rawPayload);
  }
  async function storedSyntax(sop: string): Promise<string | undefined> {
    const { rows } = await network.stores.clinical.query<{ transfer_syntax_uid: string }>('SELECT transfer_syntax_uid FROM imaging_instances WHERE sop_instance_uid = $1', [sop]);
    return rows[0]?.transfer_syntax_uid;
  }

  it.each(LOSSLESS)('renders the CT slice from $name exactly as the native one, its frame and its thumbnail too', async ({ name, syntax }) => {
    const sop = sops.get(`ct ${name}`)!;
    expect(await storedSyntax(sop)).toBe(syntax);
    const reference = await png(`${instanceUrl(series.native, native.ct)}/rendered`);
    const image = await png(`${instanceUrl(series.ct, sop)}/rendered`);
    expect([image.width, image.height, image.colorType]).toEqual([64, 48, 0]);
    expect(Buffer.compare(image.data, reference.data)).toBe(0);
    expect(Buffer.compare((await png(`${instanceUrl(series.ct, sop)}/frames/1/rendered?window=0,2`)).data, (await png(`${instanceUrl(series.native, native.ct)}/rendered?window=0,2`)).data)).toBe(0);
    expect(Buffer.compare((await png(`${instanceUrl(series.ct, sop)}/thumbnail?viewport=32,32`)).data, (await png(`${instanceUrl(series.native, native.ct)}/thumbnail?viewport=32,32`)).data)).toBe(0);
  });

  it.each(LOSSY)('renders the 8-bit MR slice from $name within a few grey levels of the native one', async ({ name, syntax }) => {
    const sop = sops.get(`mr ${name}`)!;
    expect(await storedSyntax(sop)).toBe(syntax);
    const image = await png(`${instanceUrl(series.mr, sop)}/rendered`);
    expect(meanAbsoluteDifference(image, await png(`${instanceUrl(series.native, native.mr)}/rendered`))).toBeLessThan(3);
  });

  it.each(CT_LOSSY)('renders the CT slice from $name close to the native one', async ({ name, syntax }) => {
    const sop = sops.get(`ct ${name}`)!;
    // dcmcjpeg's baseline JPEG of a 16-bit slice keeps 8 bits under a new rescale slope and intercept.
    expect(await storedSyntax(sop)).toBe(syntax);
    const image = await png(`${instanceUrl(series.ct, sop)}/rendered`);
    // 8 bits over −1000…1047 HU are steps of 8 HU, 5 grey levels in the window 40/400.
    expect(meanAbsoluteDifference(image, await png(`${instanceUrl(series.native, native.ct)}/rendered`))).toBeLessThan(syntax.endsWith('.50') ? 8 : 3);
  });

  it.each(COLOUR)('renders the colour picture from $name exactly as the native one', async ({ name, syntax }) => {
    const sop = sops.get(`rgb ${name}`)!;
    expect(await storedSyntax(sop)).toBe(syntax);
    const image = await png(`${instanceUrl(series.colour, sop)}/rendered`);
    expect(image.colorType).toBe(2);
    expect(Buffer.compare(image.data, (await png(`${instanceUrl(series.native, native.rgb)}/rendered`)).data)).toBe(0);
  });

  it('renders a YBR_FULL_422 baseline JPEG as RGB: red 128 everywhere, blue growing to the right, green upwards', async () => {
    const sop = sops.get('rgb JPEG baseline (dcmcjpeg +eb)')!;
    expect(await storedSyntax(sop)).toBe('1.2.840.10008.1.2.4.50');
    const image = await png(`${instanceUrl(series.colour, sop)}/rendered`);
    expect(meanAbsoluteDifference(image, await png(`${instanceUrl(series.native, native.rgb)}/rendered`))).toBeLessThan(4);
    expect(Math.abs(image.rgb(20, 15)[0] - 128)).toBeLessThan(8);
    expect(image.rgb(39, 15)[2]).toBeGreaterThan(190);
    expect(image.rgb(0, 15)[2]).toBeLessThan(30);
    expect(image.rgb(20, 0)[1]).toBeGreaterThan(190);
  });

  it('answers the thumbnails of a compressed series and of its study from the middle slice, as the native slice would be', async () => {
    expect(await storedSyntax(thumbnailSlices[1]!)).toBe('1.2.840.10008.1.2.4.80');
    const middle = await png(`${instanceUrl(series.native, native.middle)}/thumbnail`);
    const seriesThumbnail = await png(`/dicomweb/studies/${thumbnailStudy}/series/${series.thumbnails}/thumbnail`);
    expect(Buffer.compare(seriesThumbnail.data, middle.data)).toBe(0);
    expect(Buffer.compare(seriesThumbnail.data, (await png(`${instanceUrl(series.thumbnails, thumbnailSlices[0]!, thumbnailStudy)}/thumbnail`)).data)).not.toBe(0);
    expect(Buffer.compare((await png(`/dicomweb/studies/${thumbnailStudy}/thumbnail`)).data, middle.data)).toBe(0);
  });

  it.each(MULTI_FRAME)('renders each frame of a multi-frame instance from $name as the native one, its thumbnail from the middle frame', async ({ name, syntax }) => {
    const sop = sops.get(`multi-frame ${name}`)!;
    expect(await storedSyntax(sop)).toBe(syntax);
    const frames = [];
    for (const n of [1, 2, 3]) {
      const image = await png(`${instanceUrl(series.multiFrame, sop)}/frames/${n}/rendered`);
      expect(Buffer.compare(image.data, (await png(`${instanceUrl(series.native, native.multiFrame)}/frames/${n}/rendered`)).data), `frame ${n}`).toBe(0);
      frames.push(image);
    }
    expect(Buffer.compare(frames[0]!.data, frames[2]!.data)).not.toBe(0);
    expect(Buffer.compare((await png(`${instanceUrl(series.multiFrame, sop)}/rendered`)).data, frames[0]!.data)).toBe(0);
    expect(Buffer.compare((await png(`${instanceUrl(series.multiFrame, sop)}/thumbnail`)).data, (await png(`${instanceUrl(series.native, native.multiFrame)}/frames/2/rendered`)).data)).toBe(0);
    expect((await raw(doctor, 'doctor', `${instanceUrl(series.multiFrame, sop)}/frames/4/rendered`)).statusCode).toBe(404);
  });

  it('refuses a 12-bit JPEG extended instance with 406 not-renderable, the only stored kind that nothing decodes', async () => {
    const twelveBit = sops.get('ct 12-bit')!;
    expect(await storedSyntax(twelveBit)).toBe('1.2.840.10008.1.2.4.51');
    for (const suffix of ['rendered', 'frames/1/rendered', 'thumbnail']) {
      const reply = await raw(doctor, 'doctor', `${instanceUrl(series.ct, twelveBit)}/${suffix}`);
      expect(reply.statusCode, suffix).toBe(406);
      expect(reply.json().error.code).toBe('not-renderable');
      expect(reply.json().error.message).toContain('12-bit');
    }
  });
});
