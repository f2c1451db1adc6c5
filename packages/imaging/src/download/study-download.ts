/**
 * A study (or some of its series) as a download: DICOM/Sxxx/Iyyyyy files
 * plus a DICOMDIR at the top, in a ZIP whose layout is fixed by the index
 * (the same study, the same bytes, so that a broken download resumes).
 */
import { createHash } from 'node:crypto';
import type { DicomJson } from '../parse/dicom-json.js';
import type { SearchContext } from '../dicomweb/qido.js';
import { patientElements, type VisibleStudy } from '../dicomweb/study-access.js';
import { selectInstances } from '../dicomweb/wado.js';
import { buildDicomdir, type DirectorySeries } from './dicomdir.js';
import { bufferEntry, StudyZip, type StudyZipOptions, type ZipEntry } from './study-zip.js';

export interface StudyDownload {
  study: VisibleStudy;
  zip: StudyZip;
  /** A name a PACS import or a person recognizes: the study date and accession number. */
  fileName: string;
  /** Changes whenever the content would. */
  etag: string;
  instances: number;
}

/** The download of `studyUid` (only `seriesUids`, if given); undefined if the viewer may not see it or it has none of them. */
export async function studyDownload(context: SearchContext, studyUid: string, seriesUids?: readonly string[], zipOptions: StudyZipOptions = {}): Promise<StudyDownload | undefined> {
  const found = await selectInstances(context, { studyUid });
  if (!found) return undefined;
  const instances = seriesUids?.length ? found.instances.filter((i) => seriesUids.includes(i.seriesUid)) : found.instances;
  if (instances.length === 0) return undefined;
  const { rows } = await context.stores.clinical.query<{ attributes: DicomJson; stored_at: Date }>('SELECT attributes, stored_at FROM imaging_studies WHERE study_uid = $1', [studyUid]);
  const studyAttributes = rows[0]!.attributes;
  const storedAt = new Date(rows[0]!.stored_at);
  const seriesRows = await context.stores.clinical.query<{ series_uid: string; modality: string | null; series_number: number | null }>('SELECT series_uid, modality, series_number FROM imaging_series WHERE study_uid = $1', [studyUid]);
  const seriesInfo = new Map(seriesRows.rows.map((r) => [r.series_uid, r]));
  const patient = (await patientElements(context.stores.identity, context.keys, [found.study.pseudonym])).get(found.study.pseudonym) ?? {};
  const text = (json: DicomJson, tag: string) => {
    const value = json[tag]?.Value?.[0];
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') {
      const name = value as Record<string, string>;
      return [name.Alphabetic, name.Ideographic, name.Phonetic].map((g) => g ?? '').join('=').replace(/=+$/, '');
    }
    return String(value);
  };

  const entries: ZipEntry[] = [];
  const directory: DirectorySeries[] = [];
  const seriesOrder: string[] = [];
  for (const instance of instances) {
    if (!seriesOrder.includes(instance.seriesUid)) {
      seriesOrder.push(instance.seriesUid);
      const info = seriesInfo.get(instance.seriesUid);
      directory.push({ seriesUid: instance.seriesUid, modality: info?.modality ?? 'OT', seriesNumber: info?.series_number ?? null, images: [] });
    }
    const seriesIndex = seriesOrder.indexOf(instance.seriesUid) + 1;
    const series = directory[seriesIndex - 1]!;
    // ISO 9660 names: at most 8 upper-case letters and digits per component.
    const fileId = ['DICOM', `S${String(seriesIndex).padStart(3, '0')}`, `I${String(series.images.length + 1).padStart(5, '0')}`];
    series.images.push({ fileId, sopClassUid: instance.sopClassUid, sopInstanceUid: instance.sopInstanceUid, transferSyntaxUid: instance.transferSyntaxUid, instanceNumber: instance.instanceNumber });
    entries.push({ name: fileId.join('/'), size: instance.size, crc32: instance.crc32, source: { blob: instance.blobName } });
  }
  const dicomdir = buildDicomdir({
    patientId: text(patient, '00100020'),
    patientName: text(patient, '00100010'),
    studyUid,
    studyDate: text(studyAttributes, '00080020'),
    studyTime: text(studyAttributes, '00080030'),
    studyId: text(studyAttributes, '00200010'),
    accessionNumber: text(studyAttributes, '00080050'),
    studyDescription: text(studyAttributes, '00081030'),
    series: directory,
  });
  entries.unshift(bufferEntry('DICOMDIR', dicomdir));
  const zip = new StudyZip(entries, storedAt, zipOptions);
  const etag = `"${createHash('sha256')
    .update(`${zipOptions.zip64 ? 'zip64\n' : ''}${entries.map((e) => `${e.name}:${e.size}:${e.crc32}`).join('\n')}`)
    .digest('hex')
    .slice(0, 32)}"`;
  const date = text(studyAttributes, '00080020') || 'study';
  const accession = text(studyAttributes, '00080050').replace(/[^A-Za-z0-9_-]/g, '');
  return { study: found.study, zip, fileName: `${date}${accession ? `-${accession}` : ''}.zip`, etag, instances: instances.length };
}
