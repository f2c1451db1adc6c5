import { request as httpsRequest } from 'node:https';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileBlobStore, ImageArchive } from '@renkei/imaging';
import { dcmtk, jpegPhotograph, newUid, pngPhotograph, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

interface Outcome {
  status: number;
  body: any;
}

describe.each(testEngines())('resumable uploads (tus) on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let uploadDir: string;
  let blobs: FileBlobStore;

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    folder = await workFolder();
    uploadDir = path.join(folder.dir, 'uploads');
    blobs = new FileBlobStore(path.join(folder.dir, 'images'));
    server = await startServer(network, { imageBlobs: blobs, uploadDir });
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  /** The TLS identity of the terminal the demo user of `role` works at. */
  async function terminalOf(role: string) {
    const user = demoUser(network, role);
    const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
    return { ca: network.caPem, pfx: await readFile(terminal.p12), passphrase: terminal.password };
  }

  /** tus-js-client, as the web app runs it, over TLS from the user's terminal with their session. */
  async function upload(client: Client, role: string, bytes: Buffer, metadata: Record<string, string>, more: { uploadUrl?: string } = {}): Promise<Outcome> {
    const tls = await terminalOf(role);
    const { DefaultHttpStack } = await import('tus-js-client');
    return new Promise((resolve, reject) => {
      const tus = new Upload(bytes, {
        endpoint: `${server.url}/api/uploads`,
        ...(more.uploadUrl ? { uploadUrl: more.uploadUrl } : {}),
        metadata,
        headers: { cookie: client.cookieHeader() },
        httpStack: new DefaultHttpStack(tls),
        retryDelays: [],
        onSuccess: ({ lastResponse }) => resolve({ status: lastResponse.getStatus(), body: JSON.parse(lastResponse.getBody() || 'null') }),
        onError: (error) => {
          const response = (error as { originalResponse?: { getStatus(): number; getBody(): string } }).originalResponse;
          if (response) resolve({ status: response.getStatus(), body: JSON.parse(response.getBody() || 'null') });
          else reject(error);
        },
      });
      tus.start();
    });
  }

  /** A raw tus request over TLS from the user's terminal. */
  async function tusRequest(client: Client, role: string, method: string, url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    const tls = await terminalOf(role);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(url, server.url), { method, ...tls, headers: { 'tus-resumable': '1.0.0', cookie: client.cookieHeader(), ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await network.stores.clinical.query<{ n: string }>(sql, params)).rows[0]!.n);
  const filesIn = async (dir: string) => (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile());

  it('resumes an upload whose connection dropped half-way, and stores the instance exactly once', async () => {
    const technologist = await Client.signedIn(server, network, 'technologist');
    const study = newUid();
    const bytes = syntheticSlice({ studyUid: study, seriesUid: newUid(), rows: 256, columns: 256, patientId: 'KARTE-RESUME', patientName: 'Kaisai^Hajime' });
    const created = await tusRequest(technologist, 'technologist', 'POST', '/api/uploads', { 'upload-length': String(bytes.length), 'upload-metadata': `filename ${Buffer.from('ct-1.dcm').toString('base64')}` });
    expect(created.status).toBe(201);
    const location = String(created.headers.location);
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);

    // Half the bytes, then the connection drops.
    const tls = await terminalOf('technologist');
    const half = Math.floor(bytes.length / 2);
    await new Promise<void>((resolve) => {
      const req = httpsRequest(new URL(location, server.url), {
        method: 'PATCH',
        ...tls,
        headers: { 'tus-resumable': '1.0.0', cookie: technologist.cookieHeader(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(bytes.subarray(0, half), () => setTimeout(() => req.destroy(), 300));
    });
    let offset = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      const head = await tusRequest(technologist, 'technologist', 'HEAD', location, {});
      expect(head.status).toBe(200);
      offset = Number(head.headers['upload-offset']);
      if (offset === half) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBe(half);
    // What waits is sealed: not the file's bytes, not the patient's name.
    const waiting = await filesIn(uploadDir);
    expect(waiting.map((f) => f.name).sort()).toEqual([location.split('/').pop(), `${location.split('/').pop()}.json`].sort());
    const sealed = await readFile(path.join(uploadDir, location.split('/').pop()!));
    expect(sealed.length).toBe(half);
    expect(sealed.includes(Buffer.from('DICM'))).toBe(false);
    expect(sealed.includes(Buffer.from('Kaisai'))).toBe(false);
    expect(sealed.includes(bytes.subarray(1000, 1064))).toBe(false);
    expect((await readFile(path.join(uploadDir, `${location.split('/').pop()}.json`))).includes(Buffer.from('demo-technologist'))).toBe(false);

    // Another user does not see it; its uploader resumes it where it stopped.
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await tusRequest(doctor, 'doctor', 'HEAD', location, {})).status).toBe(404);
    const resumed = await upload(technologist, 'technologist', bytes, { filename: 'ct-1.dcm' }, { uploadUrl: `${server.url}${location}` });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'stored', studyUid: study, photograph: false });
    expect(await count('SELECT count(*) AS n FROM imaging_instances WHERE study_uid = $1', [study])).toBe(1);
    expect(await filesIn(uploadDir)).toEqual([]);

    // The same file again is a duplicate: unchanged, still one instance.
    const again = await upload(technologist, 'technologist', bytes, { filename: 'ct-1.dcm' });
    expect(again.body.status).toBe('unchanged');
    expect(await count('SELECT count(*) AS n FROM imaging_instances WHERE study_uid = $1', [study])).toBe(1);
    const audit = await network.stores.clinical.query<{ action: string; detail: { via?: string } }>("SELECT action, detail FROM audit_events WHERE action IN ('images.upload', 'images.store') AND actor = 'demo-technologist' ORDER BY id");
    expect(audit.rows.filter((r) => r.action === 'images.upload')).toHaveLength(2);
    expect(audit.rows.filter((r) => r.action === 'images.store').map((r) => r.detail.via)).toEqual(['upload']);
    await doctor.close();
    await technologist.close();
  });

  it('refuses a file that is not DICOM, a truncated one and one without its UIDs, and keeps nothing of them', async () => {
    const technologist = await Client.signedIn(server, network, 'technologist');
    const blobsBefore = (await filesIn(blobs.root)).length;
    const instancesBefore = await count('SELECT count(*) AS n FROM imaging_instances');
    const text = await upload(technologist, 'technologist', Buffer.from('a note, not an image\n'.repeat(20)), { filename: 'readme.txt' });
    expect(text).toEqual({ status: 422, body: { error: { code: 'not-dicom', message: expect.stringContaining('DICM') } } });
    const slice = syntheticSlice({ studyUid: newUid(), seriesUid: newUid() });
    const cut = await upload(technologist, 'technologist', slice.subarray(0, slice.length - 700), { filename: 'cut.dcm' });
    expect(cut.body.error.code).toBe('truncated');
    const broken = folder.file('no-study.dcm');
    await writeFile(broken, syntheticSlice({ studyUid: newUid(), seriesUid: newUid() }));
    const { dcmodify } = await import('@renkei/imaging/testing');
    const noUid = await upload(technologist, 'technologist', await dcmodify(broken, ['erase:(0020,000D)']), { filename: 'no-study.dcm' });
    expect(noUid.body.error.code).toBe('missing-uid');
    expect(await count('SELECT count(*) AS n FROM imaging_instances')).toBe(instancesBefore);
    expect((await filesIn(blobs.root)).length).toBe(blobsBefore);
    expect(await filesIn(uploadDir)).toEqual([]);
    const refused = await network.stores.clinical.query<{ detail: { reason: string } }>("SELECT detail FROM audit_events WHERE action = 'images.store' AND outcome = 'refused' AND detail->>'via' = 'upload' ORDER BY id");
    expect(refused.rows.map((r) => r.detail.reason)).toEqual(['not-dicom', 'truncated', 'missing-uid']);
    await technologist.close();
  });

  it('refuses an upload without a terminal, without a session, and by a clerk', async () => {
    const headers = { 'tus-resumable': '1.0.0', 'upload-length': '100' };
    const anonymous = Client.anonymous(server, network);
    expect((await anonymous.call('POST', '/api/uploads', undefined, headers)).body.error.code).toBe('terminal-required');
    const terminal = await Client.terminal(server, network);
    expect((await terminal.call('POST', '/api/uploads', undefined, headers)).status).toBe(401);
    const clerk = await Client.signedIn(server, network, 'clerk');
    const refused = await clerk.call('POST', '/api/uploads', undefined, headers);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('role-forbidden');
    expect(await filesIn(uploadDir)).toEqual([]);
    for (const c of [anonymous, terminal, clerk]) await c.close();
  });

  it('wraps a JPEG and a PNG as DICOM in a new study of the patient entered, the JPEG\'s bytes as they came', async () => {
    const doctor = await Client.signedIn(server, network, 'doctor');
    const study = newUid();
    const patient = JSON.stringify({ patientId: 'KARTE-PHOTO', name: '内視 鏡子', kana: 'ナイシ キョウコ', birthDate: '19750320', sex: 'F' });
    const jpeg = await jpegPhotograph(160, 120);
    const png = await pngPhotograph(40, 30);
    const first = await upload(doctor, 'doctor', jpeg, { filename: '胃.jpg', filetype: 'image/jpeg', studyUid: study, patient, studyDescription: '上部内視鏡' });
    expect(first.body).toMatchObject({ status: 'stored', studyUid: study, sopClassUid: '1.2.840.10008.5.1.4.1.1.7', photograph: true });
    const second = await upload(doctor, 'doctor', png, { filename: 'skin.png', filetype: 'image/png', studyUid: study, patient });
    expect(second.body).toMatchObject({ status: 'stored', studyUid: study, seriesUid: first.body.seriesUid });
    const archive = new ImageArchive(network.stores, network.keys, blobs);
    const dumps: string[] = [];
    for (const sop of [first.body.sopInstanceUid, second.body.sopInstanceUid]) {
      const { rows } = await network.stores.clinical.query<{ blob_name: string }>('SELECT blob_name FROM imaging_instances WHERE sop_instance_uid = $1', [sop]);
      const bytes = await archive.blobs.read(rows[0]!.blob_name);
      const file = folder.file(`${sop}.dcm`);
      await writeFile(file, bytes);
      dumps.push(await dcmtk('dcmdump', ['+U8', file]));
      if (sop === first.body.sopInstanceUid) expect(bytes.includes(jpeg)).toBe(true);
    }
    expect(dumps[0]).toContain('(0002,0010) UI =JPEGBaseline');
    expect(dumps[1]).toContain('(0002,0010) UI =LittleEndianExplicit');
    for (const dump of dumps) {
      expect(dump).toContain('(0008,0016) UI =SecondaryCaptureImageStorage');
      expect(dump).toContain('(0010,0010) PN [=内視^鏡子=ナイシ^キョウコ]');
      expect(dump).toContain('(0010,0020) LO [KARTE-PHOTO]');
    }
    // A photograph without a patient or a known study is refused.
    const nobody = await upload(doctor, 'doctor', jpeg, { filename: 'x.jpg', studyUid: newUid() });
    expect(nobody.body.error.code).toBe('missing-uid');
    await doctor.close();
  });

  it('removes an upload left unfinished once it expires, bytes and record', async () => {
    const expiringDir = folder.file('expiring-uploads');
    const injected = await startInjectedServer(network, { imageBlobs: blobs, uploadDir: expiringDir, uploadExpiresMs: 3000 });
    try {
      const technologist = await Client.signedIn(injected, network, 'technologist');
      const user = demoUser(network, 'technologist');
      const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
      const tus = (method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: Buffer) =>
        injected.app.inject({ method, url, headers: { 'tus-resumable': '1.0.0', 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': terminal.serial, cookie: technologist.cookieHeader(), ...headers }, ...(payload ? { payload } : {}), remoteAddress: '127.0.0.1' });
      const bytes = syntheticSlice({ studyUid: newUid(), seriesUid: newUid() });
      const created = await tus('POST', '/api/uploads', { 'upload-length': String(bytes.length) });
      expect(created.statusCode).toBe(201);
      const patch = await tus('PATCH', String(created.headers.location), { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, bytes.subarray(0, 1000));
      expect(patch.statusCode).toBe(204);
      expect(patch.headers['upload-offset']).toBe('1000');
      expect((await filesIn(expiringDir)).length).toBe(2);
      await expect.poll(async () => (await filesIn(expiringDir)).length, { timeout: 20_000, interval: 250 }).toBe(0);
      await technologist.close();
    } finally {
      await injected.close();
    }
  });
});
