import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, GATEWAY_AE_TITLE, ImageArchive, registerDicomPeer, startCStoreGateway, type CStoreGateway } from '../src/index.js';
import { newUid, syntheticSlice, workFolder } from '../src/testing.js';

const HOSPITAL = '3710000001';

/** A dcmtk tool's exit code and output. */
function dcmtk(tool: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => execFile(tool, args, { timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr })));
}

describe.each(testEngines())('the C-STORE gateway on %s', (engine) => {
  let stores: Stores;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let gateway: CStoreGateway;
  let archive: ImageArchive;
  const log: string[] = [];
  beforeAll(async () => {
    stores = await openTestStores(engine);
    folder = await workFolder();
    await stores.identity.query("INSERT INTO facilities (code, name, kind) VALUES ($1, '香川中央病院', 'hospital')", [HOSPITAL]);
    await registerDicomPeer(stores.identity, { aeTitle: 'CT_ROOM1', facilityCode: HOSPITAL, address: null });
    await registerDicomPeer(stores.identity, { aeTitle: 'FAR_PACS', facilityCode: HOSPITAL, address: '192.0.2.10' });
    archive = new ImageArchive(stores, deriveServerKeys(Buffer.alloc(32, 5)), new FileBlobStore(path.join(folder.dir, 'images')));
    gateway = await startCStoreGateway(archive, 0, (m) => log.push(m));
  });
  afterAll(async () => {
    await gateway?.close();
    await stores?.close();
    await folder?.remove();
  });

  it('answers C-ECHO from a registered AE title, and refuses the association of any other', async () => {
    const echo = await dcmtk('echoscu', ['-aet', 'CT_ROOM1', '-aec', GATEWAY_AE_TITLE, '127.0.0.1', String(gateway.port)]);
    expect(echo.code, echo.output).toBe(0);
    const stranger = await dcmtk('echoscu', ['-aet', 'STRANGER', '-aec', GATEWAY_AE_TITLE, '127.0.0.1', String(gateway.port)]);
    expect(stranger.code).not.toBe(0);
    expect(stranger.output).toMatch(/Association Rejected|Calling AE Title Not Recognized/i);
    // Registered, but only from its own address.
    const elsewhere = await dcmtk('echoscu', ['-aet', 'FAR_PACS', '-aec', GATEWAY_AE_TITLE, '127.0.0.1', String(gateway.port)]);
    expect(elsewhere.code).not.toBe(0);
    expect(log.join('\n')).toContain('unregistered AE title "STRANGER"');
  });

  it('stores what storescu sends, byte for byte after the File Meta group, for the peer\'s facility', async () => {
    const study = newUid();
    const series = newUid();
    const files = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const file = folder.file(`slice-${n}.dcm`);
        await writeFile(file, syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: n }));
        return file;
      }),
    );
    const sent = await dcmtk('storescu', ['-aet', 'CT_ROOM1', '-aec', GATEWAY_AE_TITLE, '127.0.0.1', String(gateway.port), ...files]);
    expect(sent.code, sent.output).toBe(0);
    const { rows } = await stores.clinical.query<{ facility_code: string; n: string }>('SELECT s.facility_code, count(i.*) AS n FROM imaging_studies s JOIN imaging_instances i USING (study_uid) WHERE s.study_uid = $1 GROUP BY s.facility_code', [study]);
    expect(rows.map((r) => [r.facility_code, Number(r.n)])).toEqual([[HOSPITAL, 3]]);
    // The dataset is kept as the modality sent it; only the File Meta group is the gateway's.
    const original = await readFile(files[0]!);
    const datasetOf = (bytes: Buffer) => bytes.subarray(144 + bytes.readUInt32LE(140));
    const stored = await stores.clinical.query<{ blob_name: string }>('SELECT blob_name FROM imaging_instances WHERE study_uid = $1 AND instance_number = 1', [study]);
    const kept = await archive.blobs.read(stored.rows[0]!.blob_name);
    expect(datasetOf(kept)).toEqual(datasetOf(original));
    const audit = await stores.clinical.query<{ actor: string; detail: { via: string } }>("SELECT actor, detail FROM audit_events WHERE action = 'images.store' AND detail->>'study' = $1", [study]);
    expect(audit.rows.map((r) => [r.actor, r.detail.via])).toEqual([['dicom:CT_ROOM1', 'c-store'], ['dicom:CT_ROOM1', 'c-store'], ['dicom:CT_ROOM1', 'c-store']]);

    // The same files again change nothing.
    const again = await dcmtk('storescu', ['-aet', 'CT_ROOM1', '-aec', GATEWAY_AE_TITLE, '127.0.0.1', String(gateway.port), ...files]);
    expect(again.code, again.output).toBe(0);
    const count = await stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM imaging_instances WHERE study_uid = $1', [study]);
    expect(Number(count.rows[0]!.n)).toBe(3);
  });
});
