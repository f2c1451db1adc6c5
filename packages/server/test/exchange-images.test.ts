import path from 'node:path';
import { createUser, operatorProcessContext } from '@renkei/access';
import { AuditLog } from '@renkei/audit';
import { runRetention } from '@renkei/exchange';
import { FileBlobStore, ImageArchive, ImageStudies, type BlobStore } from '@renkei/imaging';
import { newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser, loggedInClients, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'exchange-images-boundary';
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' };

describe.each(testEngines())('studies attached to consultations on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let blobs: FileBlobStore;
  let hospital: string;
  const { as, close: closeClients } = loggedInClients(() => ({ network, server }));

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    hospital = demoUser(network, 'demo-doctor').facility!;
    await createUser(network.stores.identity, { id: 'demo-doctor-2', displayName: '琴平 二郎（医師）', role: 'doctor', facilityCode: hospital, password: 'second-doctor-password' });
    network.credentials.users.push({ id: 'demo-doctor-2', password: 'second-doctor-password', role: 'doctor', facility: hospital });
    folder = await workFolder();
    blobs = new FileBlobStore(path.join(folder.dir, 'images'));
    server = await startInjectedServer(network, { imageBlobs: blobs });
  });
  afterAll(async () => {
    await closeClients();
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  /** A study of `slices` instances stored by STOW-RS as `userId`; answers its UID. */
  async function storeStudy(userId: string, patientId: string, slices = 2): Promise<string> {
    const studyUid = newUid();
    const seriesUid = newUid();
    const parts = Array.from({ length: slices }, (_, i) => syntheticSlice({ studyUid, seriesUid, instanceNumber: i + 1, patientId, patientName: 'Nio^Haruko', birthDate: '19480309', studyDate: '20261201' }));
    const reply = await (await as(userId)).raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: stowBody(BOUNDARY, parts) });
    expect(reply.statusCode).toBe(200);
    return studyUid;
  }

  const request = (studies: string[], patientId: string, extra: Record<string, unknown> = {}) => ({
    kind: 'reading',
    to: { facility: hospital, userId: 'demo-doctor' },
    patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId },
    consent,
    subject: '胸部CT 読影のお願い',
    body: '肺野の結節影の評価をお願いします。',
    urgency: 'normal',
    studies,
    ...extra,
  });

  async function send(studies: string[], patientId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await (await as('demo-clinic-doctor')).call('POST', '/api/exchanges', request(studies, patientId, extra));
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  const searched = async (userId: string) => (await (await as(userId)).raw({ method: 'GET', url: '/dicomweb/studies' })).json().map((s: any) => s['0020000D'].Value[0] as string);

  /** The blobs of a study's instances, as the index names them. */
  const blobNames = async (studyUid: string) =>
    (await network.stores.clinical.query<{ blob_name: string }>('SELECT blob_name FROM imaging_instances WHERE study_uid = $1', [studyUid])).rows.map((r) => r.blob_name);

  /** Whether the study left nothing: no index rows, no identity row of its patient, no blob on disk. */
  async function expectGone(studyUid: string, pseudonym: string, names: string[]) {
    for (const table of ['imaging_studies', 'imaging_series', 'imaging_instances']) {
      expect((await network.stores.clinical.query(`SELECT 1 FROM ${table} WHERE study_uid = $1`, [studyUid])).rows).toHaveLength(0);
    }
    expect((await network.stores.identity.query('SELECT 1 FROM imaging_patients WHERE pseudonym = $1', [pseudonym])).rows).toHaveLength(0);
    for (const name of names) expect(await blobs.size(name)).toBeUndefined();
  }

  const pseudonymOf = async (studyUid: string) =>
    (await network.stores.clinical.query<{ patient_pseudonym: string }>('SELECT patient_pseudonym FROM imaging_studies WHERE study_uid = $1', [studyUid])).rows[0]!.patient_pseudonym;

  it('lets the radiologist a reading request reaches search and retrieve its study, and nobody else at the hospital', async () => {
    const attached = await storeStudy('demo-clinic-doctor', 'C-100', 3);
    const notAttached = await storeStudy('demo-clinic-doctor', 'C-101');
    // Before any request, the hospital sees neither.
    const doctor = await as('demo-doctor');
    expect(await searched('demo-doctor')).not.toContain(attached);
    expect((await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}/metadata` })).statusCode).toBe(404);

    await send([attached], 'C-100');
    const found = await searched('demo-doctor');
    expect(found).toContain(attached);
    expect(found).not.toContain(notAttached);
    // Found by the patient as the clinic identified them, and nothing else of the clinic's.
    const byId = await doctor.raw({ method: 'GET', url: '/dicomweb/studies?PatientID=C-100' });
    expect(byId.json().map((s: any) => s['0020000D'].Value[0])).toEqual([attached]);
    expect(byId.json()[0]['00100010'].Value[0].Alphabetic).toBe('Nio^Haruko');
    const byName = (await doctor.raw({ method: 'GET', url: '/dicomweb/studies?PatientName=Nio*' })).json().map((s: any) => s['0020000D'].Value[0]);
    expect(byName).toContain(attached);
    expect(byName).not.toContain(notAttached);
    const colleague = await as('demo-doctor-2');
    expect((await colleague.raw({ method: 'GET', url: '/dicomweb/studies?PatientID=C-100' })).json()).toEqual([]);
    const series = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}/series` });
    expect(series.statusCode).toBe(200);
    const seriesUid = series.json()[0]['0020000E'].Value[0] as string;
    const instances = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}/series/${seriesUid}/instances` });
    expect(instances.json()).toHaveLength(3);
    const sop = instances.json()[0]['00080018'].Value[0] as string;
    const retrieved = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}` });
    expect(retrieved.statusCode).toBe(200);
    expect(retrieved.headers['content-type']).toContain('multipart/related');
    expect(retrieved.rawPayload.toString('latin1').split('Content-Type: application/dicom').length - 1).toBe(3);
    const metadata = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}/metadata` });
    expect(metadata.statusCode).toBe(200);
    expect(metadata.json()).toHaveLength(3);
    expect((await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${attached}/series/${seriesUid}/instances/${sop}/frames/1` })).statusCode).toBe(200);
    const zip = await doctor.raw({ method: 'GET', url: `/api/images/studies/${attached}/download` });
    expect(zip.statusCode).toBe(200);
    expect(zip.rawPayload.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');

    // The study the clinic did not attach, and every look by another doctor of the hospital: the same 404 as an unknown study.
    expect((await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${notAttached}/metadata` })).statusCode).toBe(404);
    expect(await searched('demo-doctor-2')).not.toContain(attached);
    for (const url of [`/dicomweb/studies/${attached}`, `/dicomweb/studies/${attached}/metadata`, `/dicomweb/studies/${attached}/series`, `/api/images/studies/${attached}/download`, `/dicomweb/studies/${newUid()}/metadata`]) {
      expect((await colleague.raw({ method: 'GET', url })).statusCode).toBe(404);
    }
    // Which items carry a study is asked along an index, not by reading every item.
    expect((await network.stores.clinical.query("SELECT 1 FROM pg_indexes WHERE indexname = 'exchange_items_studies'")).rows).toHaveLength(1);
    // Every look through the item is on the trail.
    const trail = await network.stores.clinical.query<{ outcome: string }>("SELECT outcome FROM audit_events WHERE action = 'exchange.study' AND detail->>'study' = $1", [attached]);
    expect(trail.rows.map((r) => r.outcome)).toContain('allowed');
    expect(trail.rows.map((r) => r.outcome)).toContain('refused');
  });

  it('lets the receiving facility\'s liaison see a study addressed to the facility, but none of the hospital\'s own', async () => {
    const study = await storeStudy('demo-clinic-doctor', 'C-150', 1);
    const own = await storeStudy('demo-technologist', 'H-150', 1);
    const before = await searched('demo-liaison');
    const liaison = await as('demo-liaison');
    expect(before).not.toContain(study);
    expect(before).not.toContain(own);
    await send([study], 'C-150', { to: { facility: hospital } });
    expect(await searched('demo-liaison')).toEqual(expect.arrayContaining([...before, study]));
    expect(await searched('demo-liaison')).not.toContain(own);
    expect((await liaison.raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(200);
    expect((await liaison.raw({ method: 'GET', url: `/dicomweb/studies/${own}/metadata` })).statusCode).toBe(404);
    // Not yet assigned: no doctor of the hospital sees it; the clerk, who follows the item, never looks at images.
    expect((await (await as('demo-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(404);
    expect((await (await as('demo-clerk')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(403);
    // Nor may the liaison store images.
    expect((await liaison.raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: Buffer.from(`--${BOUNDARY}--\r\n`) })).statusCode).toBe(403);
  });

  it('refuses to attach a study the sender may not see, as if it were unknown', async () => {
    const clinics = await storeStudy('demo-clinic-doctor', 'C-200');
    const doctor = await as('demo-doctor');
    const clinic = demoUser(network, 'demo-clinic-doctor').facility!;
    const toClinic = (studies: string[]) => ({ ...request(studies, 'H-1'), to: { facility: clinic } });
    const foreign = await doctor.call('POST', '/api/exchanges', toClinic([clinics]));
    const unknown = await doctor.call('POST', '/api/exchanges', toClinic([newUid()]));
    expect(foreign.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(foreign.body.error.code).toBe('study-unknown');
    expect(unknown.body.error.code).toBe('study-unknown');
    expect((await network.stores.clinical.query("SELECT 1 FROM exchange_items WHERE $1 = ANY(studies)", [clinics])).rows).toHaveLength(0);
    // A study the hospital's own staff stored is theirs to attach.
    const own = await storeStudy('demo-doctor', 'H-1', 1);
    expect((await doctor.call('POST', '/api/exchanges', toClinic([own]))).status).toBe(201);
  });

  it('shows a withdrawn request\'s study to the receiving side no more, while the clinic keeps it', async () => {
    const study = await storeStudy('demo-clinic-doctor', 'C-300');
    const id = await send([study], 'C-300');
    expect((await (await as('demo-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(200);
    expect((await (await as('demo-clinic-doctor')).call('POST', `/api/exchanges/${id}/withdraw`, { reason: '依頼の取り下げ' })).status).toBe(200);
    expect((await (await as('demo-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(404);
    expect(await searched('demo-doctor')).not.toContain(study);
    expect((await (await as('demo-clinic-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(200);
  });

  it('deletes a patient\'s studies, their identity row and their blobs on disk with the items on request (様式2)', async () => {
    const study = await storeStudy('demo-clinic-doctor', 'C-777', 2);
    const pseudonym = await pseudonymOf(study);
    const names = await blobNames(study);
    const bytes = Number((await network.stores.clinical.query<{ n: string }>('SELECT sum(size) AS n FROM imaging_instances WHERE study_uid = $1', [study])).rows[0]!.n);
    for (const name of names) expect(await blobs.size(name)).toBeGreaterThan(0);
    await send([study], 'C-777');
    await send([study], 'C-777', { kind: 'share' });
    const operator = await as('demo-operator');
    const clinic = demoUser(network, 'demo-clinic-doctor').facility!;
    const done = await operator.call('POST', '/api/admin/exchange-deletions', { lookup: { facility: clinic, patientId: 'C-777' }, receivedOn: '2026-12-01', reference: '様式2-0777' });
    expect(done.status).toBe(201);
    // Two items carried the study: it counts once.
    expect(done.body).toMatchObject({ deletedItems: 2, deletedInstances: 2, deletedBytes: bytes });
    await expectGone(study, pseudonym, names);
    expect((await (await as('demo-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(404);
    expect((await (await as('demo-clinic-doctor')).raw({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` })).statusCode).toBe(404);
  });

  it('keeps a study another item still carries, and retention deletes it with the last, counting its instances and bytes', async () => {
    const study = await storeStudy('demo-clinic-doctor', 'C-900', 2);
    const pseudonym = await pseudonymOf(study);
    const names = await blobNames(study);
    const kept = await send([study], 'C-900');
    const due = await send([study], 'C-900', { kind: 'share' });
    const archive = new ImageArchive(network.stores, network.keys, blobs);
    const studies = new ImageStudies(archive);
    // Released by one item while the other still carries it: nothing goes.
    expect(await studies.release(due, [study], { dryRun: false })).toEqual({ instances: 0, bytes: 0 });
    expect(await blobs.size(names[0]!)).toBeGreaterThan(0);

    // Every item is due a day after its retention: the run deletes them all, and every attached study with them.
    const attached = (await network.stores.clinical.query<{ n: string; bytes: string }>(
      `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM imaging_instances WHERE study_uid IN (SELECT unnest(studies) FROM exchange_items)`,
    )).rows[0]!;
    const attachmentBytes = Number((await network.stores.clinical.query<{ n: string }>('SELECT coalesce(sum(size_bytes), 0) AS n FROM exchange_attachments')).rows[0]!.n);
    const unattached = (await network.stores.clinical.query<{ study_uid: string }>('SELECT study_uid FROM imaging_studies WHERE study_uid NOT IN (SELECT unnest(studies) FROM exchange_items)')).rows.map((r) => r.study_uid);
    expect(unattached.length).toBeGreaterThan(0);
    const deps = { stores: network.stores, audit: new AuditLog(network.stores, network.keys), studies };
    const later = new Date(Date.now() + 400 * 86_400_000);
    const dry = await runRetention(deps, operatorProcessContext('retention-test'), { dryRun: true, now: later });
    expect(dry).toMatchObject({ deletedInstances: Number(attached.n), deletedBytes: Number(attached.bytes) + attachmentBytes });
    expect(await blobs.size(names[0]!)).toBeGreaterThan(0);
    const run = await runRetention(deps, operatorProcessContext('retention-test'), { now: later });
    expect(run).toEqual(dry);
    expect(run.deletedInstances).toBeGreaterThanOrEqual(2);
    await expectGone(study, pseudonym, names);
    expect((await network.stores.clinical.query('SELECT 1 FROM exchange_items WHERE id = ANY($1::uuid[])', [[kept, due]])).rows).toHaveLength(0);
    // What no item carried stays; a second run finds nothing.
    expect((await network.stores.clinical.query('SELECT count(*)::int AS n FROM imaging_studies WHERE study_uid = ANY($1::text[])', [unattached])).rows[0]).toEqual({ n: unattached.length });
    expect(await runRetention(deps, operatorProcessContext('retention-test'), { now: later })).toEqual({ deletedItems: 0, deletedInstances: 0, deletedBytes: 0 });
  });

  it('leaves no blob behind when a release is cut short after the index: recovery removes it', async () => {
    const study = await storeStudy('demo-clinic-doctor', 'C-950', 1);
    const names = await blobNames(study);
    const pseudonym = await pseudonymOf(study);
    const id = await send([study], 'C-950');
    await network.stores.clinical.query('DELETE FROM exchange_items WHERE id = $1', [id]);
    // The process dies as it deletes the first blob.
    const dying: BlobStore = Object.assign(Object.create(blobs) as BlobStore, {
      delete: async () => {
        throw new Error('killed');
      },
    });
    await expect(new ImageStudies(new ImageArchive(network.stores, network.keys, dying)).release(id, [study], { dryRun: false })).rejects.toThrow('killed');
    expect((await network.stores.clinical.query('SELECT 1 FROM imaging_studies WHERE study_uid = $1', [study])).rows).toHaveLength(0);
    expect(await blobs.size(names[0]!)).toBeGreaterThan(0);
    const recovered = await new ImageArchive(network.stores, network.keys, blobs).recover(new Date(Date.now() + 1000));
    expect(recovered.orphans).toBeGreaterThanOrEqual(1);
    expect(recovered.patients).toBeGreaterThanOrEqual(1);
    await expectGone(study, pseudonym, names);
  });
});
