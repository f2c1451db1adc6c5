import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomRefusal, FileBlobStore, ImageArchive, storePhotograph, wrapPhotograph, type ImageSource } from '../src/index.js';
import { dcmtk, jpegPhotograph, newUid, pngPhotograph, syntheticSlice, workFolder } from '../src/testing.js';

const HOSPITAL = '3710000001';
const CLINIC = '3710000002';
const source = (facilityCode: string): ImageSource => ({ facilityCode, via: 'upload', actor: { actor: 'tech-1', actorKind: 'person', role: 'technologist', facility: facilityCode, terminal: null } });

/** The encapsulated pixel data's fragments (after the empty basic offset table). */
function fragments(file: Buffer): Buffer[] {
  const dataset = dicomParser.parseDicom(new Uint8Array(file));
  const element = dataset.elements.x7fe00010!;
  return element.fragments!.map((f) => file.subarray(f.position, f.position + f.length));
}

describe('photographs wrapped as DICOM', () => {
  let folder: Awaited<ReturnType<typeof workFolder>>;
  beforeAll(async () => {
    folder = await workFolder();
  });
  afterAll(() => folder?.remove());

  it('keeps a JPEG as JPEG Baseline, its bytes intact, in a Secondary Capture that dcmdump and dciodvfy read', async () => {
    const jpeg = await jpegPhotograph(120, 80);
    const study = newUid();
    const dicom = wrapPhotograph(jpeg, { studyUid: study, seriesUid: newUid(), sopInstanceUid: newUid(), patient: { patientId: 'KARTE-5', name: '山田 花子', kana: 'ヤマダ ハナコ', birthDate: '19800214', sex: 'F' } });
    const file = folder.file('jpeg.dcm');
    await writeFile(file, dicom);
    const dump = await dcmtk('dcmdump', ['+U8', file]);
    expect(dump).toContain('(0002,0010) UI =JPEGBaseline');
    expect(dump).toContain('(0008,0016) UI =SecondaryCaptureImageStorage');
    expect(dump).toContain('(0008,0005) CS [ISO_IR 192]');
    expect(dump).toContain('(0010,0010) PN [=山田^花子=ヤマダ^ハナコ]');
    expect(dump).toContain('(0028,0004) CS [YBR_FULL_422]');
    expect(dump).toContain('(0028,0010) US 80');
    expect(dump).toContain('(0028,0011) US 120');
    const [piece, ...more] = fragments(dicom);
    expect(more).toHaveLength(0);
    expect(piece!.subarray(0, jpeg.length)).toEqual(jpeg);
    const verified = await dcmtk('dciodvfy', ['-new', file]).catch((e: { stdout: string; stderr: string }) => e.stdout + e.stderr);
    expect(verified).toContain('SCImage');
    expect(verified.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
  });

  it('decodes a PNG into uncompressed RGB, transparency over white', async () => {
    const png = await pngPhotograph(30, 20);
    const dicom = wrapPhotograph(png, { studyUid: newUid(), seriesUid: newUid(), sopInstanceUid: newUid(), patient: { patientId: 'KARTE-6' } });
    const file = folder.file('png.dcm');
    await writeFile(file, dicom);
    const dump = await dcmtk('dcmdump', [file]);
    expect(dump).toContain('(0002,0010) UI =LittleEndianExplicit');
    expect(dump).toContain('(0028,0004) CS [RGB]');
    expect(dump).toContain('(0028,0002) US 3');
    const dataset = dicomParser.parseDicom(new Uint8Array(dicom));
    const pixels = dicom.subarray(dataset.elements.x7fe00010!.dataOffset, dataset.elements.x7fe00010!.dataOffset + 30 * 20 * 3);
    // Row 1, column 10: the gradient as drawn (opaque); row 0 is half transparent, over white.
    const at = (1 * 30 + 10) * 3;
    expect([...pixels.subarray(at, at + 3)]).toEqual([Math.floor((10 * 255) / 30), Math.floor((1 * 255) / 20), 128]);
    expect(pixels[0]).toBe(127);
    const verified = await dcmtk('dciodvfy', ['-new', file]).catch((e: { stdout: string; stderr: string }) => e.stdout + e.stderr);
    expect(verified.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
  });

  it('refuses what is neither, and a JPEG cut before its frame header', () => {
    const refusal = (bytes: Buffer) => {
      try {
        wrapPhotograph(bytes, { studyUid: newUid(), seriesUid: newUid(), sopInstanceUid: newUid(), patient: { patientId: 'X' } });
      } catch (error) {
        return error instanceof DicomRefusal ? error.code : String(error);
      }
      return 'wrapped';
    };
    expect(refusal(Buffer.from('GIF89a........'))).toBe('not-dicom');
    expect(refusal(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]))).toBe('truncated');
  });
});

describe.each(testEngines())('photographs stored on %s', (engine) => {
  let stores: Stores;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let archive: ImageArchive;
  const keys = deriveServerKeys(Buffer.alloc(32, 9));
  beforeAll(async () => {
    stores = await openTestStores(engine);
    folder = await workFolder();
    archive = new ImageArchive(stores, keys, new FileBlobStore(path.join(folder.dir, 'images')));
  });
  afterAll(async () => {
    await stores?.close();
    await folder?.remove();
  });

  it('joins an existing study as its patient, once however often it is sent; another facility\'s study is not joined', async () => {
    const study = newUid();
    await archive.store(syntheticSlice({ studyUid: study, seriesUid: newUid(), patientId: 'KARTE-900', patientName: 'Kagawa^Taro', birthDate: '19700101', accessionNumber: 'ACC-P' }), source(HOSPITAL));
    const jpeg = await jpegPhotograph(64, 48);
    // What was typed does not matter for an existing study: its patient stays.
    const first = await storePhotograph(archive, jpeg, { studyUid: study, patient: { patientId: 'SOMEONE-ELSE', name: '別人' } }, source(HOSPITAL));
    expect(first).toMatchObject({ status: 'stored', studyUid: study, sopClassUid: '1.2.840.10008.5.1.4.1.1.7' });
    const again = await storePhotograph(archive, jpeg, { studyUid: study }, source(HOSPITAL));
    expect(again).toMatchObject({ status: 'unchanged', sopInstanceUid: first.sopInstanceUid });
    const png = await storePhotograph(archive, await pngPhotograph(16, 16), { studyUid: study }, source(HOSPITAL));
    expect(png.seriesUid).toBe(first.seriesUid);
    const { rows } = await stores.clinical.query<{ n: string; patients: string }>('SELECT count(*) AS n, count(DISTINCT s.patient_pseudonym) AS patients FROM imaging_instances i JOIN imaging_studies s USING (study_uid) WHERE study_uid = $1', [study]);
    expect(Number(rows[0]!.n)).toBe(3);
    const stored = await stores.clinical.query<{ blob_name: string }>('SELECT blob_name FROM imaging_instances WHERE sop_instance_uid = $1', [first.sopInstanceUid]);
    const file = folder.file('stored.dcm');
    await writeFile(file, await archive.blobs.read(stored.rows[0]!.blob_name));
    const dump = await dcmtk('dcmdump', ['+U8', file]);
    expect(dump).toContain('(0010,0020) LO [KARTE-900]');
    expect(dump).toContain('(0010,0010) PN [Kagawa^Taro]');
    expect(dump).toContain('(0008,0050) SH [ACC-P]');
    expect(await readFile(file)).toBeDefined();

    await expect(storePhotograph(archive, jpeg, { studyUid: study, patient: { patientId: 'C-1' } }, source(CLINIC))).rejects.toMatchObject({ code: 'conflict' });
    await expect(storePhotograph(archive, jpeg, { studyUid: newUid() }, source(HOSPITAL))).rejects.toMatchObject({ code: 'missing-uid' });
  });
});
