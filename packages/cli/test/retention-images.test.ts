import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileBlobStore, ImageArchive } from '@renkei/imaging';
import { newUid, syntheticSlice } from '@renkei/imaging/testing';
import { loadServerKeys, openStores, resolveConfig, type Stores } from '@renkei/store';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, runCli, type CliEnvironment } from './run-cli.js';

const CLINIC = '3710112342';

/** An item sent long ago carrying `studies`, with its patient row. */
async function storeItem(stores: Stores, studies: string[], deleteOn: string): Promise<string> {
  const id = randomUUID();
  await stores.identity.query(
    `INSERT INTO exchange_patients (item_id, facility_code, name_enc, kana_enc, sex, birth_date_enc, patient_id_enc, patient_key, name_key, kana_key, delete_on)
     VALUES ($1, $2, '\\x00', '\\x00', 'female', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', $3)`,
    [id, CLINIC, deleteOn],
  );
  await stores.clinical.query(
    `INSERT INTO exchange_items (id, kind, status, from_facility, from_user, to_facility, to_liaison, subject, body, urgency, studies, delete_on, sent_at)
     VALUES ($1, 'reading', 'sent', $2, 'd', '3710100123', true, 's', 'b', 'normal', $3, $4, now())`,
    [id, CLINIC, studies, deleteOn],
  );
  return id;
}

describe.each(testEngines())('renkei retention run with images on %s', (engine) => {
  let environment: CliEnvironment;
  beforeAll(async () => {
    environment = await cliEnvironment(engine);
  });
  afterAll(async () => environment?.drop());

  it('deletes the expired items\' studies and their blobs in DATA/images, counting instances and bytes in --json', async () => {
    const { env, dataDir } = environment;
    const config = resolveConfig({}, env);
    let stores = await openStores(config);
    const blobs = new FileBlobStore(path.join(dataDir, 'images'));
    const archive = new ImageArchive(stores, await loadServerKeys(config), blobs);
    const source = { facilityCode: CLINIC, via: 'stow', actor: { actor: 'tech-1', actorKind: 'person' as const, role: 'technologist' as const, facility: CLINIC, terminal: null } };
    const expired = newUid();
    const stays = newUid();
    const series = newUid();
    for (const n of [1, 2, 3]) await archive.store(syntheticSlice({ studyUid: expired, seriesUid: series, instanceNumber: n, patientId: 'C-1' }), source);
    await archive.store(syntheticSlice({ studyUid: stays, seriesUid: newUid(), patientId: 'C-1' }), source);
    const instances = (await stores.clinical.query<{ blob_name: string; size: string }>('SELECT blob_name, size FROM imaging_instances WHERE study_uid = $1', [expired])).rows;
    const bytes = instances.reduce((sum, r) => sum + Number(r.size), 0);
    await storeItem(stores, [expired], '2020-01-01');
    await storeItem(stores, [stays], '2999-01-01');
    await stores.close();

    const dry = await runCli(['retention', 'run', '--dry-run', '--json'], env);
    expect(dry.stderr).toBe('');
    expect(JSON.parse(dry.stdout)).toEqual({ deletedItems: 1, deletedInstances: 3, deletedBytes: bytes });
    for (const i of instances) expect(await blobs.size(i.blob_name)).toBeGreaterThan(0);
    const run = await runCli(['retention', 'run', '--json'], env);
    expect(JSON.parse(run.stdout)).toEqual({ deletedItems: 1, deletedInstances: 3, deletedBytes: bytes });
    for (const i of instances) expect(await blobs.size(i.blob_name)).toBeUndefined();
    expect(JSON.parse((await runCli(['retention', 'run', '--json'], env)).stdout)).toEqual({ deletedItems: 0, deletedInstances: 0, deletedBytes: 0 });

    stores = await openStores(config);
    expect((await stores.clinical.query<{ study_uid: string }>('SELECT study_uid FROM imaging_studies')).rows.map((r) => r.study_uid)).toEqual([stays]);
    // The patient still has a study: their identity row stays.
    expect((await stores.identity.query('SELECT 1 FROM imaging_patients')).rows).toHaveLength(1);
    await stores.close();
  });
});
