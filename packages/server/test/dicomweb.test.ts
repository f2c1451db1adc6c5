import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FileBlobStore } from '@renkei/imaging';
import { dcmodify, newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'stow-test-boundary';

/** A STOW-RS body of these parts. */
const multipart = (parts: Array<{ bytes: Buffer; type?: string }>) => stowBody(BOUNDARY, parts);

/** The parts of a multipart/related answer. */
function partsOf(body: Buffer, contentType: string): Array<{ headers: string; body: Buffer }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
  const parts: Array<{ headers: string; body: Buffer }> = [];
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headerEnd);
    parts.push({ headers: body.subarray(start + 2, headerEnd).toString(), body: body.subarray(headerEnd + 4, next) });
    at = next;
  }
  return parts;
}

describe.each(testEngines())('DICOMweb on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  const study = newUid();
  const ctSeries = newUid();
  const srSeries = newUid();
  const slices = [1, 2, 3].map((n) => syntheticSlice({ studyUid: study, seriesUid: ctSeries, instanceNumber: n, patientId: 'KARTE-0042', patientName: 'Yamada^Tarou', birthDate: '19550505', studyDate: '20260310', accessionNumber: 'ACC-310' }));
  const other = syntheticSlice({ studyUid: study, seriesUid: srSeries, instanceNumber: 1, modality: 'MR', seriesNumber: 2, patientId: 'KARTE-0042', patientName: 'Yamada^Tarou', birthDate: '19550505', studyDate: '20260310', accessionNumber: 'ACC-310' });
  const laterStudy = newUid();
  const later = syntheticSlice({ studyUid: laterStudy, seriesUid: newUid(), patientId: 'KARTE-0099', patientName: 'Suzuki^Hanako', studyDate: '20260420', accessionNumber: 'ACC-420', modality: 'CR' });

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  const stowType = `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`;

  it('stores by STOW-RS, and refuses each bad part with its reason while storing the good ones', async () => {
    const technologist = await Client.signedIn(server, network, 'technologist');
    const broken = folder.file('no-uid.dcm');
    await writeFile(broken, syntheticSlice({ studyUid: newUid(), seriesUid: newUid() }));
    const noUid = await dcmodify(broken, ['erase:(0008,0018)']);
    const body = multipart([
      ...slices.map((bytes) => ({ bytes })),
      { bytes: other },
      { bytes: slices[0]!.subarray(0, slices[0]!.length - 500) },
      { bytes: Buffer.from('just some text, not an image') },
      { bytes: noUid },
      { bytes: later, type: 'application/pdf' },
    ]);
    const reply = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': stowType }, payload: body });
    expect(reply.statusCode).toBe(202);
    expect(reply.headers['content-type']).toContain('application/dicom+json');
    const answer = reply.json();
    expect(answer['00081199'].Value.map((i: any) => i['00081155'].Value[0])).toHaveLength(4);
    const failures = answer['00081198'].Value.map((i: any) => ({ reason: i['00081197'].Value[0], comment: i['00000902'].Value[0] }));
    expect(failures).toHaveLength(4);
    expect(failures.every((f: { reason: number }) => f.reason === 0xc000)).toBe(true);
    expect(failures.map((f: { comment: string }) => f.comment.split(':')[0])).toEqual(['part 5 truncated', 'part 6 not-dicom', 'part 7 missing-uid', 'part 8 wrong-content-type']);
    expect(failures[2].comment).toMatch(/SOP Instance UID/);
    expect(failures[3].comment).toMatch(/application\/pdf/);
    // The refused part of the later study was not stored.
    expect((await network.stores.clinical.query('SELECT 1 FROM imaging_studies WHERE study_uid = $1', [laterStudy])).rows).toHaveLength(0);

    // The same instances again change nothing; the later study goes in alone.
    const again = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': stowType }, payload: multipart([{ bytes: slices[0]! }, { bytes: later }]) });
    expect(again.statusCode).toBe(200);
    const count = await network.stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM imaging_instances');
    expect(Number(count.rows[0]!.n)).toBe(5);
    await technologist.close();
  });

  it('refuses a body that is not multipart/related application/dicom, and a truncated body', async () => {
    const technologist = await Client.signedIn(server, network, 'technologist');
    const json = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': 'application/json' }, payload: Buffer.from('{}') });
    expect(json.statusCode).toBe(415);
    const pdf = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/pdf"; boundary=${BOUNDARY}` }, payload: multipart([{ bytes: later }]) });
    expect(pdf.statusCode).toBe(415);
    const truncated = multipart([{ bytes: syntheticSlice({ studyUid: newUid(), seriesUid: newUid() }) }]);
    const cut = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': stowType }, payload: truncated.subarray(0, truncated.length - 40) });
    expect(cut.statusCode).toBe(409);
    expect(cut.json()['00081198'].Value[0]['00000902'].Value[0]).toMatch(/^truncated/);
    await technologist.close();
  });

  it('searches studies, series and instances by QIDO-RS with the standard\'s matching', async () => {
    const doctor = await Client.signedIn(server, network, 'doctor');
    const search = async (query: string) => {
      const reply = await doctor.raw({ method: 'GET', url: `/dicomweb/studies${query}` });
      expect(reply.statusCode, query).toBe(200);
      return reply.json() as Array<Record<string, any>>;
    };
    const uids = (answers: Array<Record<string, any>>) => answers.map((a) => a['0020000D'].Value[0]);
    const all = await search('');
    expect(uids(all)).toEqual([laterStudy, study]);
    const first = all.find((a) => a['0020000D'].Value[0] === study)!;
    expect(first['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou' }] });
    expect(first['00100020']).toEqual({ vr: 'LO', Value: ['KARTE-0042'] });
    expect(first['00080061']).toEqual({ vr: 'CS', Value: ['CT', 'MR'] });
    expect(first['00201206'].Value).toEqual([2]);
    expect(first['00201208'].Value).toEqual([4]);
    expect(uids(await search('?PatientID=KARTE-0042'))).toEqual([study]);
    const wild = await search('?PatientID=KARTE-00*');
    expect(uids(wild), JSON.stringify(wild)).toEqual([laterStudy, study]);
    expect(uids(await search('?PatientName=yama*'))).toEqual([study]);
    expect(uids(await search('?PatientName=Hanako&fuzzymatching=true'))).toEqual([laterStudy]);
    expect(uids(await search('?PatientName=Hanako'))).toEqual([]);
    expect(uids(await search('?StudyDate=20260401-'))).toEqual([laterStudy]);
    expect(uids(await search('?StudyDate=20260301-20260331'))).toEqual([study]);
    expect(uids(await search('?00080020=-20260309'))).toEqual([]);
    expect(uids(await search('?ModalitiesInStudy=MR'))).toEqual([study]);
    expect(uids(await search('?AccessionNumber=ACC-420'))).toEqual([laterStudy]);
    expect(uids(await search(`?StudyInstanceUID=${study}`))).toEqual([study]);
    expect(uids(await search('?limit=1&offset=1'))).toEqual([study]);
    const included = await search(`?StudyInstanceUID=${study}&includefield=Manufacturer,00180060`);
    expect(included[0]!['00080070']).toEqual({ vr: 'LO', Value: ['Renkei'] });
    expect(included[0]!['00180060']).toEqual({ vr: 'DS', Value: [120] });
    expect((await doctor.raw({ method: 'GET', url: '/dicomweb/studies?StudyDate=yesterday' })).statusCode).toBe(400);
    expect((await doctor.raw({ method: 'GET', url: '/dicomweb/studies?NoSuchAttribute=1' })).statusCode).toBe(400);

    const series = (await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series` })).json();
    expect(series.map((s: any) => [s['00080060'].Value[0], s['00201209'].Value[0]])).toEqual([['CT', 3], ['MR', 1]]);
    expect((await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series?Modality=MR` })).json()).toHaveLength(1);
    const instances = (await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${ctSeries}/instances` })).json();
    expect(instances.map((i: any) => i['00200013'].Value[0])).toEqual([1, 2, 3]);
    expect(instances[0]['00080016'].Value).toEqual(['1.2.840.10008.5.1.4.1.1.2']);
    await doctor.close();
  });

  it('retrieves a study as streamed multipart, metadata with the patient put back, and frames', async () => {
    const doctor = await Client.signedIn(server, network, 'doctor');
    const reply = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}`, headers: { accept: 'multipart/related; type="application/dicom"' } });
    expect(reply.statusCode).toBe(200);
    const parts = partsOf(reply.rawPayload, String(reply.headers['content-type']));
    expect(parts.map((p) => p.body)).toEqual([...slices, other]);
    expect(parts[0]!.headers).toContain('transfer-syntax=1.2.840.10008.1.2.1');

    const series = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${ctSeries}/metadata`, headers: { 'accept-encoding': 'gzip' } });
    expect(series.statusCode).toBe(200);
    expect(series.headers['content-encoding']).toBe('gzip');
    const metadata = JSON.parse(gunzipSync(series.rawPayload).toString('utf8'));
    expect(metadata).toHaveLength(3);
    expect(metadata[0]['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou' }] });
    expect(metadata[0]['00100030']).toEqual({ vr: 'DA', Value: ['19550505'] });
    expect(metadata[0]['7FE00010'].BulkDataURI).toContain(`/dicomweb/studies/${study}/series/${ctSeries}/instances/`);
    expect(metadata[0]['00280010']).toEqual({ vr: 'US', Value: [64] });
    const plain = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` });
    expect(plain.json()).toHaveLength(4);

    const sop = metadata[1]['00080018'].Value[0];
    const frame = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${ctSeries}/instances/${sop}/frames/1` });
    expect(frame.statusCode).toBe(200);
    const [pixels] = partsOf(frame.rawPayload, String(frame.headers['content-type']));
    expect(pixels!.body).toEqual(slices[1]!.subarray(slices[1]!.length - 64 * 64 * 2));
    expect((await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${ctSeries}/instances/${sop}/frames/2` })).statusCode).toBe(404);
    // The BulkDataURI of the metadata answers the pixel data.
    const bulkUri = String(metadata[1]['7FE00010'].BulkDataURI);
    const bulk = await doctor.raw({ method: 'GET', url: bulkUri });
    expect(bulk.statusCode).toBe(200);
    expect(partsOf(bulk.rawPayload, String(bulk.headers['content-type']))[0]!.body).toEqual(pixels!.body);
    await doctor.close();

    const { rows } = await network.stores.clinical.query<{ action: string; actor: string; detail: { study?: string } }>("SELECT action, actor, detail FROM audit_events WHERE action LIKE 'images.%' ORDER BY id");
    const trail = rows.map((r) => `${r.action}:${r.actor}`);
    expect(trail).toEqual(expect.arrayContaining(['images.store:demo-technologist', 'images.search:demo-doctor', 'images.retrieve:demo-doctor', 'images.metadata:demo-doctor', 'images.frames:demo-doctor']));
    // The trail names the study, never the patient's name or ID.
    expect(JSON.stringify(rows)).not.toMatch(/Yamada|KARTE-0042|19550505/);
  });

  it('answers another facility\'s doctor as if the study did not exist, and lets no clerk in', async () => {
    const outsider = await Client.signedIn(server, network, 'demo-clinic-doctor');
    const unknown = newUid();
    for (const suffix of ['', '/metadata', '/series', `/series/${ctSeries}/metadata`, `/series/${ctSeries}/instances`]) {
      const forbidden = await outsider.raw({ method: 'GET', url: `/dicomweb/studies/${study}${suffix}` });
      const missing = await outsider.raw({ method: 'GET', url: `/dicomweb/studies/${unknown}${suffix}` });
      expect(forbidden.statusCode).toBe(404);
      expect(forbidden.body).toBe(missing.body);
    }
    expect((await outsider.raw({ method: 'GET', url: '/dicomweb/studies' })).json()).toEqual([]);
    // Nor may they add to it.
    const added = await outsider.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': stowType }, payload: multipart([{ bytes: syntheticSlice({ studyUid: study, seriesUid: newUid() }) }]) });
    expect(added.statusCode).toBe(409);
    await outsider.close();

    const clerk = await Client.signedIn(server, network, 'clerk');
    const refused = await clerk.raw({ method: 'GET', url: '/dicomweb/studies' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('role-forbidden');
    await clerk.close();
    const anonymous = Client.anonymous(server, network);
    expect((await anonymous.call('GET', '/dicomweb/studies')).status).toBe(403);
  });
  const zipStudy = newUid();
  const [zipCt, zipMr] = [newUid(), newUid()];
  const zipFiles = [
    ...[1, 2, 3].map((n) => syntheticSlice({ studyUid: zipStudy, seriesUid: zipCt, instanceNumber: n, patientName: 'Kagawa^Taro', patientId: 'KARTE-0777', accessionNumber: 'ACC-77', studyDate: '20260501' })),
    syntheticSlice({ studyUid: zipStudy, seriesUid: zipMr, instanceNumber: 1, modality: 'MR', seriesNumber: 2, patientName: 'Kagawa^Taro', patientId: 'KARTE-0777', accessionNumber: 'ACC-77', studyDate: '20260501' }),
  ];

  it('is a file-set a PACS imports: the DICOM files and a DICOMDIR dcmtk reads, with Content-Length and resumable ranges', async () => {
    const technologist = await Client.signedIn(server, network, 'technologist');
    const get = (url: string, headers: Record<string, string> = {}) => technologist.raw({ method: 'GET', url, headers });
    const body = multipart(zipFiles.map((bytes) => ({ bytes })));
    const stored = await technologist.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: body });
    expect(stored.statusCode).toBe(200);

    const whole = await get(`/api/images/studies/${zipStudy}/download`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('application/zip');
    expect(whole.headers['content-disposition']).toBe('attachment; filename="20260501-ACC-77.zip"');
    expect(Number(whole.headers['content-length'])).toBe(whole.rawPayload.length);
    const zipFile = folder.file('study.zip');
    await writeFile(zipFile, whole.rawPayload);
    const out = folder.file('unzipped');
    const { execFile } = await import('node:child_process');
    const run = (cmd: string, args: string[]) => new Promise<string>((resolve, reject) => execFile(cmd, args, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))));
    expect(await run('unzip', ['-t', zipFile])).toMatch(/No errors detected/);
    await run('unzip', ['-q', zipFile, '-d', out]);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path.join(out, 'DICOM/S001/I00002'))).toEqual(zipFiles[1]);
    expect(await readFile(path.join(out, 'DICOM/S002/I00001'))).toEqual(zipFiles[3]);
    const dump = await run('dcmdump', ['+P', '0004,1500', '+P', '0004,1430', '+P', '0010,0010', path.join(out, 'DICOMDIR')]);
    expect(dump.match(/\(0004,1430\) CS \[(\w+)/g)!.map((l) => l.split('[')[1])).toEqual(['PATIENT', 'STUDY', 'SERIES', 'IMAGE', 'IMAGE', 'IMAGE', 'SERIES', 'IMAGE']);
    expect(dump).toContain('DICOM\\S001\\I00003');
    expect(dump).toContain('Kagawa^Taro');
    // dcmtk's DICOMDIR tool reads it as a file-set (following the records' offsets) and finds every file already listed.
    const appended = await new Promise<string>((resolve, reject) =>
      execFile('dcmmkdir', ['+A', '-Pgp', '+r', 'DICOM'], { cwd: out }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout + stderr))),
    );
    expect(appended.match(/directory record for this SOP instance already exists/g)).toHaveLength(4);
    // A download broken after 1000 bytes resumes where it stopped, and the halves make the whole.
    const etag = String(whole.headers.etag);
    const rest = await get(`/api/images/studies/${zipStudy}/download`, { range: 'bytes=1000-', 'if-range': etag });
    expect(rest.statusCode).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes 1000-${whole.rawPayload.length - 1}/${whole.rawPayload.length}`);
    expect(Buffer.concat([whole.rawPayload.subarray(0, 1000), rest.rawPayload])).toEqual(whole.rawPayload);
    const middle = await get(`/api/images/studies/${zipStudy}/download`, { range: 'bytes=5000-5099' });
    expect(middle.rawPayload).toEqual(whole.rawPayload.subarray(5000, 5100));
    expect((await get(`/api/images/studies/${zipStudy}/download`, { range: `bytes=${whole.rawPayload.length}-` })).statusCode).toBe(416);
    // A stale If-Range gets the whole archive again.
    expect((await get(`/api/images/studies/${zipStudy}/download`, { range: 'bytes=10-', 'if-range': '"stale"' })).statusCode).toBe(200);

    const mrOnly = await get(`/api/images/studies/${zipStudy}/download?series=${zipMr}`);
    await writeFile(zipFile, mrOnly.rawPayload);
    expect(await run('unzip', ['-Z1', zipFile])).toBe('DICOMDIR\nDICOM/S001/I00001\n');
    expect((await get(`/api/images/studies/${newUid()}/download`)).statusCode).toBe(404);
    await technologist.close();

    const { rows } = await network.stores.clinical.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE action = 'images.download' AND outcome = 'allowed' AND detail->>'study' = $1", [zipStudy]);
    expect(Number(rows[0]!.n)).toBe(5);
  });
});
