import { AsyncLocalStorage } from 'node:async_hooks';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deriveServerKeys, type Db, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomRefusal, FileBlobStore, ImageArchive, patientIdHash, type ImageSource } from '../src/index.js';
import { dcmodify, newUid, syntheticSlice, workFolder } from '../src/testing.js';

const HOSPITAL = '3710000001';
const CLINIC = '3710000002';
const source = (facilityCode: string): ImageSource => ({ facilityCode, via: 'stow', actor: { actor: 'tech-1', actorKind: 'person', role: 'technologist', facility: facilityCode, terminal: null } });

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe.each(testEngines())('the image archive on %s', (engine) => {
  let stores: Stores;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let archive: ImageArchive;
  const keys = deriveServerKeys(Buffer.alloc(32, 7));
  beforeAll(async () => {
    stores = await openTestStores(engine);
    folder = await workFolder();
    archive = new ImageArchive(stores, keys, new FileBlobStore(path.join(folder.dir, 'images')));
  });
  afterAll(async () => {
    await stores?.close();
    await folder?.remove();
  });

  it('stores an instance once, encrypted, indexed under a pseudonym, and reads back the same bytes', async () => {
    const study = newUid();
    const series = newUid();
    const bytes = syntheticSlice({ studyUid: study, seriesUid: series, patientId: 'KARTE-77123', patientName: 'Tokkyo^Kyoka', birthDate: '19511203', accessionNumber: 'ACC-9' });
    const first = await archive.store(bytes, source(HOSPITAL));
    expect(first).toMatchObject({ status: 'stored', studyUid: study, seriesUid: series });
    const again = await archive.store(bytes, source(HOSPITAL));
    expect(again.status).toBe('unchanged');

    const { rows } = await stores.clinical.query<{ blob_name: string; size: string; frames: Array<Array<[number, number]>> }>('SELECT blob_name, size, frames FROM imaging_instances WHERE study_uid = $1', [study]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.size)).toBe(bytes.length);
    expect(await archive.blobs.read(rows[0]!.blob_name)).toEqual(bytes);
    // The frame's run is the pixel data: 64×64 16-bit, the last bytes of the file.
    expect(rows[0]!.frames).toEqual([[[bytes.length - 64 * 64 * 2, 64 * 64 * 2]]]);

    // At rest: neither the blob file nor the clinical store holds the patient's name, ID or birth date.
    const blobFiles = await filesUnder(path.join(folder.dir, 'images'));
    expect(blobFiles).toHaveLength(1);
    const sealed = await readFile(blobFiles[0]!);
    expect(sealed.includes(Buffer.from('Tokkyo'))).toBe(false);
    expect(sealed.includes(bytes.subarray(200, 264))).toBe(false);
    const clinicalText = JSON.stringify((await stores.clinical.query("SELECT s.*, i.attributes AS ia, i.metadata_gz FROM imaging_studies s JOIN imaging_instances i USING (study_uid)")).rows);
    const dump = clinicalText + (await import('node:zlib')).gunzipSync((await stores.clinical.query<{ metadata_gz: Uint8Array }>('SELECT metadata_gz FROM imaging_instances')).rows[0]!.metadata_gz).toString();
    expect(dump).toContain('ACC-9');
    for (const personal of ['Tokkyo', 'KARTE-77123', '19511203']) expect(dump).not.toContain(personal);
    const identity = await stores.identity.query<{ patient_id_enc: Uint8Array }>('SELECT patient_id_enc FROM imaging_patients');
    expect(identity.rows).toHaveLength(1);
    expect(Buffer.from(identity.rows[0]!.patient_id_enc).includes(Buffer.from('KARTE'))).toBe(false);
  });

  it('refuses a known SOP Instance UID with other content, and keeps the first', async () => {
    const study = newUid();
    const series = newUid();
    const sop = newUid();
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: series, sopInstanceUid: sop, seed: 1 }), source(HOSPITAL));
    const other = syntheticSlice({ studyUid: study, seriesUid: series, sopInstanceUid: sop, seed: 2 });
    await expect(archive.store(other, source(HOSPITAL))).rejects.toMatchObject({ code: 'conflict', reason: 0xa770 });
    const { rows } = await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM imaging_instances WHERE sop_instance_uid = $1', [sop]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('refuses to add to a study another facility stored', async () => {
    const study = newUid();
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: newUid() }), source(HOSPITAL));
    await expect(archive.store(syntheticSlice({ studyUid: study, seriesUid: newUid() }), source(CLINIC))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a series stored already in another study, before writing anything of it', async () => {
    const series = newUid();
    await archive.store(syntheticSlice({ studyUid: newUid(), seriesUid: series }), source(HOSPITAL));
    const blobs = (await filesUnder(path.join(folder.dir, 'images'))).length;
    const elsewhere = newUid();
    await expect(archive.store(syntheticSlice({ studyUid: elsewhere, seriesUid: series }), source(HOSPITAL))).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('in another study') });
    expect((await filesUnder(path.join(folder.dir, 'images'))).length).toBe(blobs);
    expect((await stores.clinical.query('SELECT 1 FROM imaging_studies WHERE study_uid = $1', [elsewhere])).rows).toHaveLength(0);
  });

  it("files every later instance of a study under the study's patient, and audits each under that patient", async () => {
    const study = newUid();
    const series = newUid();
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: series, patientId: 'KARTE-1001', seed: 1 }), source(HOSPITAL));
    // A second series of the same study whose header names another ID (a modality's typo): it joins the study, and no second patient is made of it.
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: newUid(), patientId: 'KARTE-1002', seed: 2 }), source(HOSPITAL));
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: series, patientId: 'KARTE-1001', seed: 3 }), source(HOSPITAL));
    const owner = (await stores.clinical.query<{ patient_pseudonym: string }>('SELECT patient_pseudonym FROM imaging_studies WHERE study_uid = $1', [study])).rows[0]!.patient_pseudonym;
    const audited = await stores.clinical.query<{ pseudonym: string }>("SELECT pseudonym FROM audit_events WHERE action = 'images.store' AND detail->>'study' = $1", [study]);
    expect(audited.rows.map((r) => r.pseudonym)).toEqual([owner, owner, owner]);
    const patients = await stores.identity.query('SELECT 1 FROM imaging_patients WHERE pseudonym = $1', [owner]);
    expect(patients.rows).toHaveLength(1);
    const typo = await stores.identity.query('SELECT 1 FROM imaging_patients WHERE patient_id_hash = $1', [patientIdHash(keys.lookup, HOSPITAL, 'KARTE-1002')]);
    expect(typo.rows).toHaveLength(0);
  });

  it('indexes instances that arrive together in one transaction, and a refused one among them leaves the others stored', async () => {
    // Every store waits, its blob written, until all have come that far: then they are indexed together.
    const together = 6;
    let waiting = 0;
    let release!: () => void;
    const allWritten = new Promise<void>((resolve) => (release = resolve));
    const batched = new ImageArchive(stores, keys, new FileBlobStore(path.join(folder.dir, 'images')), async (step) => {
      if (step !== 'blob-written') return;
      if (++waiting === together) release();
      await allWritten;
    });
    const study = newUid();
    const series = newUid();
    const good = Array.from({ length: together - 2 }, (_, i) => syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: i + 1, seed: 40 + i }));
    // One SOP Instance UID with two contents, both unknown when they were checked: whichever is indexed second is refused there.
    const sop = newUid();
    const twins = [1, 2].map((seed) => syntheticSlice({ studyUid: study, seriesUid: series, sopInstanceUid: sop, instanceNumber: 99, seed: 60 + seed }));
    const outcomes = await Promise.allSettled([...good, ...twins].map((bytes) => batched.store(bytes, source(HOSPITAL))));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', reason: 0xa770 });
    const stored = await stores.clinical.query('SELECT 1 FROM imaging_instances WHERE series_uid = $1', [series]);
    expect(stored.rows).toHaveLength(together - 1);
    const audited = await stores.clinical.query<{ at: Date }>("SELECT at FROM audit_events WHERE action = 'images.store' AND detail->>'series' = $1", [series]);
    expect(audited.rows).toHaveLength(together - 1);
    // One append (one time) for the instances indexed together.
    expect(new Set(audited.rows.map((r) => new Date(r.at).getTime())).size).toBeLessThan(together - 1);
  });

  it('tries a batch the database fails again in halves, so that the fault fails its own instance only', async () => {
    const together = 4;
    let waiting = 0;
    let release!: () => void;
    const allWritten = new Promise<void>((resolve) => (release = resolve));
    const poisoned = newUid();
    const which = new AsyncLocalStorage<string>();
    let transactions = 0;
    let poisonedOn!: () => void;
    const poisonedGoesOn = new Promise<void>((resolve) => (poisonedOn = resolve));
    // A clinical store that fails the insert of one instance, as a full disk or a broken constraint would. Its first
    // transaction (one instance's) waits until the poisoned instance, which comes last, is on its way to the next batch with others.
    const failing = (db: Db): Db =>
      ({
        ...db,
        query: async (sql: string, params?: unknown[]) => {
          if (sql.includes('INSERT INTO imaging_instances') && params?.[0] === poisoned) throw new Error('the disk is full');
          return db.query(sql, params);
        },
        transaction: async (work) => {
          if (transactions++ === 0) await poisonedGoesOn.then(() => new Promise((resolve) => setTimeout(resolve, 300)));
          return db.transaction((tx) => work(failing(tx)));
        },
      }) as Db;
    const faulty = new ImageArchive({ ...stores, clinical: failing(stores.clinical) }, keys, new FileBlobStore(path.join(folder.dir, 'images')), async (step) => {
      if (step !== 'blob-written') return;
      if (++waiting === together) release();
      await allWritten;
      if (which.getStore() !== poisoned) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
      poisonedOn();
    });
    const series = newUid();
    const sops = Array.from({ length: together }, (_, i) => (i === together - 1 ? poisoned : newUid()));
    const outcomes = await Promise.allSettled(
      sops.map((sop, i) => which.run(sop, () => faulty.store(syntheticSlice({ studyUid: newUid(), seriesUid: i === 0 ? series : newUid(), sopInstanceUid: sop, seed: 70 + i }), source(HOSPITAL)))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[together - 1] as PromiseRejectedResult).reason).toMatchObject({ message: 'the disk is full' });
    // The first alone, the other three together (failed), then the two good ones together and the poisoned one alone.
    expect(transactions).toBe(1 + 1 + 2);
    expect((await stores.clinical.query('SELECT 1 FROM imaging_instances WHERE sop_instance_uid = $1', [poisoned])).rows).toHaveLength(0);
    expect((await stores.clinical.query("SELECT 1 FROM audit_events WHERE action = 'images.store' AND detail->>'instance' = $1", [poisoned])).rows).toHaveLength(0);
    expect((await stores.clinical.query('SELECT 1 FROM imaging_instances WHERE series_uid = $1', [series])).rows).toHaveLength(1);
  });

  it('refuses bad files with their reason and stores nothing of them', async () => {
    const before = (await filesUnder(path.join(folder.dir, 'images'))).length;
    const count = async () => Number((await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM imaging_instances')).rows[0]!.n);
    const instances = await count();
    const good = syntheticSlice({ studyUid: newUid(), seriesUid: newUid() });
    const refusal = async (bytes: Uint8Array) => {
      try {
        await archive.store(bytes, source(HOSPITAL));
      } catch (error) {
        expect(error).toBeInstanceOf(DicomRefusal);
        return (error as DicomRefusal).code;
      }
      throw new Error('stored a bad file');
    };
    expect(await refusal(Buffer.from('%PDF-1.4 not an image'))).toBe('not-dicom');
    expect(await refusal(good.subarray(0, good.length - 1000))).toBe('truncated');
    expect(await refusal(good.subarray(0, 700))).toBe('truncated');
    const file = folder.file('no-study-uid.dcm');
    await writeFile(file, good);
    expect(await refusal(await dcmodify(file, ['erase:(0020,000D)']))).toBe('missing-uid');
    expect((await filesUnder(path.join(folder.dir, 'images'))).length).toBe(before);
    expect(await count()).toBe(instances);
  });
});
