/**
 * Renkei's QIDO-RS and metadata answers against Orthanc's (Debian's orthanc
 * with orthanc-dicomweb) for the same files: attribute by attribute, once
 * what may differ between two servers is set aside (the order of the
 * attributes, the servers' own URLs, and Specific Character Set, which JSON,
 * always UTF-8, makes moot).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, ImageArchive, metadataOf, searchInstances, searchSeries, searchStudies, type DicomJson, type SearchContext } from '../src/index.js';
import { dcmodifyBytes, newUid, startOrthanc, syntheticSlice, workFolder, type RunningOrthanc } from '../src/testing.js';

const HOSPITAL = '3710000001';

/** JIS X 0208 between ESC $ B and ESC ( B, for a name in ISO 2022 IR 87. */
function iso2022(text: string): Buffer {
  const out: number[] = [];
  let kanji = false;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      if (kanji) out.push(0x1b, 0x28, 0x42);
      kanji = false;
      out.push(char.charCodeAt(0));
    } else {
      if (!kanji) out.push(0x1b, 0x24, 0x42);
      kanji = true;
      out.push(...[...iconv.encode(char, 'euc-jp')].map((b) => b & 0x7f));
    }
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** What two servers may answer differently, set aside: order, their URLs, the character set of a JSON text. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === '00081190' || key === '00080005') continue;
    const item = (value as Record<string, unknown>)[key];
    out[key] = key === 'BulkDataURI' ? String(item).replace(/^.*\/(instances\/[^/]+\/bulk\/)/i, '$1').toUpperCase() : normalize(item);
  }
  return out;
}

describe('QIDO-RS and metadata, attribute by attribute against Orthanc', () => {
  let stores: Stores;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let orthanc: RunningOrthanc;
  let context: SearchContext;
  const study = newUid();
  const [ct, mr] = [newUid(), newUid()];

  beforeAll(async () => {
    folder = await workFolder();
    [stores, orthanc] = await Promise.all([openTestStores('pglite'), startOrthanc(path.join(folder.dir, 'orthanc'))]);
    const keys = deriveServerKeys(Buffer.alloc(32, 4));
    const archive = new ImageArchive(stores, keys, new FileBlobStore(path.join(folder.dir, 'images')));
    const files = [
      ...[1, 2, 3].map((n) => syntheticSlice({ studyUid: study, seriesUid: ct, instanceNumber: n, patientId: 'KARTE-5', accessionNumber: 'ACC-5', studyDate: '20260202' })),
      syntheticSlice({ studyUid: study, seriesUid: mr, instanceNumber: 1, modality: 'MR', seriesNumber: 2, patientId: 'KARTE-5', accessionNumber: 'ACC-5', studyDate: '20260202' }),
    ];
    // One file in ISO 2022 IR 87: both servers must read the kanji name the same way.
    const japanese = folder.file('ir87.dcm');
    await writeFile(japanese, files[3]!);
    files[3] = await dcmodifyBytes(japanese, { '(0008,0005)': Buffer.from('\\ISO 2022 IR 87'), '(0008,103E)': iso2022('頭部 MRI') });
    for (const file of files) {
      await archive.store(file, { facilityCode: HOSPITAL, via: 'stow', actor: { actor: 'test', actorKind: 'process', role: null, facility: HOSPITAL, terminal: null } });
      const sent = await fetch(`${orthanc.url}/instances`, { method: 'POST', body: file as Uint8Array<ArrayBuffer> });
      expect(sent.status).toBe(200);
    }
    context = { stores, keys, viewer: { role: 'doctor', facilityCode: HOSPITAL }, baseUrl: 'https://renkei.test' };
  });
  afterAll(async () => {
    await orthanc?.stop();
    await stores?.close();
    await folder?.remove();
  });

  const orthancJson = async (pathname: string) => {
    const response = await fetch(`${orthanc.url}/dicom-web${pathname}`, { headers: { accept: 'application/dicom+json' } });
    expect(response.status).toBe(200);
    return (await response.json()) as DicomJson[];
  };

  it('answers the same study search', async () => {
    const ours = await searchStudies(context, { PatientID: 'KARTE-5' });
    const theirs = await orthancJson('/studies?PatientID=KARTE-5');
    expect(normalize(ours)).toEqual(normalize(theirs));
    expect(normalize(await searchStudies(context, { StudyDate: '20260201-20260203', ModalitiesInStudy: 'MR' }))).toEqual(normalize(await orthancJson('/studies?StudyDate=20260201-20260203&ModalitiesInStudy=MR')));
  });

  it('answers the same series and instance searches', async () => {
    const bySeries = (list: DicomJson[]) => list.sort((a, b) => String(a['0020000E']!.Value![0]).localeCompare(String(b['0020000E']!.Value![0])));
    // Orthanc's index keeps only the first character set's text of the MR series (its kanji are lost there, though its metadata has them): that series is compared by its metadata below.
    const withoutKanji = (list: DicomJson[]) => bySeries(list).map((s) => (s['0020000E']!.Value![0] === mr ? { ...s, '0008103E': undefined } : s));
    expect(normalize(withoutKanji((await searchSeries(context, study, {}))!))).toEqual(normalize(withoutKanji(await orthancJson(`/studies/${study}/series`))));
    expect(normalize(await searchInstances(context, study, ct, {}))).toEqual(normalize(await orthancJson(`/studies/${study}/series/${ct}/instances`)));
  });

  it('answers the same series metadata, the kanji series description included', async () => {
    for (const series of [ct, mr]) {
      const ours = JSON.parse((await metadataOf(context, { studyUid: study, seriesUid: series }))!) as DicomJson[];
      const theirs = await orthancJson(`/studies/${study}/series/${series}/metadata`);
      const byUid = (list: DicomJson[]) => list.sort((a, b) => String(a['00080018']!.Value![0]).localeCompare(String(b['00080018']!.Value![0])));
      expect(normalize(byUid(ours))).toEqual(normalize(byUid(theirs)));
    }
    const mrMetadata = JSON.parse((await metadataOf(context, { studyUid: study, seriesUid: mr }))!) as DicomJson[];
    expect(mrMetadata[0]!['0008103E']).toEqual({ vr: 'LO', Value: ['頭部 MRI'] });
  });
});
