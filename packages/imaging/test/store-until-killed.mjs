// Stores slices until it is killed: the other half of the crash test. With STOP_AT, it waits at that step (to be killed there).
import path from 'node:path';
import { FileBlobStore, ImageArchive } from '@renkei/imaging';
import { syntheticSlice, newUid } from '@renkei/imaging/testing';
import { deriveServerKeys, openPglite, openPostgres } from '@renkei/store';

const [dataDir, identityUrl, clinicalUrl] = process.argv.slice(2);
const open = (url, name) => (url === '-' ? openPglite(path.join(dataDir, name)) : openPostgres(url));
const stores = { identity: await open(identityUrl, 'identity'), clinical: await open(clinicalUrl, 'clinical'), close: async () => undefined };
const keys = deriveServerKeys(Buffer.alloc(32, 9));
const stopAt = process.env.STOP_AT;
const archive = new ImageArchive(stores, keys, new FileBlobStore(path.join(dataDir, 'images')), async (step) => {
  if (step === stopAt) {
    process.send?.(step);
    await new Promise(() => undefined);
  }
});
const study = newUid();
const series = newUid();
process.send?.('ready');
for (let i = 1; ; i++) {
  await archive.store(syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: i, rows: 256, columns: 256 }), {
    facilityCode: '3710000001',
    via: 'c-store',
    actor: { actor: 'dicom:CT1', actorKind: 'process', role: null, facility: '3710000001', terminal: null },
  });
  process.send?.(`stored ${i}`);
}
