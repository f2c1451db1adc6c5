/**
 * A photograph into the patient's study: wrapped as DICOM (`wrapPhotograph`)
 * and stored through the one ingest path (`ImageArchive.store`). A study that
 * exists already gives the patient and the study's elements; a new study takes
 * the patient as the sender entered them. The photographs of a study go into
 * one series of their own, and the same photograph sent again into the same
 * study is the same instance (its UIDs come from the study and the bytes), so
 * it changes nothing.
 */
import { createHash } from 'node:crypto';
import { photographFormat, wrapPhotograph, type PhotographPatient } from '../parse/photograph.js';
import { DicomRefusal } from '../parse/read-instance.js';
import type { ImageArchive, ImageSource, StoredInstance } from './image-archive.js';

export interface PhotographRequest {
  /** The study it joins: an existing one of the facility's, or a new one (its UID made by the sender). */
  studyUid: string;
  /** Who it shows, for a new study. */
  patient?: PhotographPatient;
  studyDescription?: string;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** A UID under 2.25 made from a name (as a name-based UUID is), so that the same name always gives the same UID. */
export function uidFromName(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `2.25.${BigInt(`0x${hash.digest('hex').slice(0, 32)}`).toString()}`;
}

/** Stores a JPEG or PNG photograph as a Secondary Capture instance of `request.studyUid` for `source`. */
export async function storePhotograph(archive: ImageArchive, bytes: Uint8Array, request: PhotographRequest, source: ImageSource): Promise<StoredInstance> {
  if (!photographFormat(bytes)) throw new DicomRefusal('not-dicom', 'neither a DICOM file nor a JPEG or PNG photograph');
  if (!UID.test(request.studyUid) || request.studyUid.length > 64) throw new DicomRefusal('missing-uid', 'the photograph names no valid Study Instance UID');
  const existing = await archive.studyElements(request.studyUid, source.facilityCode);
  if (!existing && !request.patient?.patientId) throw new DicomRefusal('missing-uid', 'a photograph for a new study needs the patient (their patient ID at least)');
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const seriesUid = uidFromName('renkei photographs', request.studyUid);
  const sopInstanceUid = uidFromName('renkei photograph', request.studyUid, contentHash);
  if (existing && (await archive.hasInstance(request.studyUid, sopInstanceUid))) {
    return { status: 'unchanged', studyUid: request.studyUid, seriesUid, sopInstanceUid, sopClassUid: '1.2.840.10008.5.1.4.1.1.7' };
  }
  const { rows } = await archive.stores.clinical.query<{ n: string }>('SELECT count(*) AS n FROM imaging_instances WHERE series_uid = $1', [seriesUid]);
  const wrapped = wrapPhotograph(bytes, {
    studyUid: request.studyUid,
    seriesUid,
    sopInstanceUid,
    instanceNumber: Number(rows[0]?.n ?? 0) + 1,
    seriesDescription: '写真',
    ...(existing ? { existing } : { patient: request.patient! }),
    ...(request.studyDescription ? { studyDescription: request.studyDescription } : {}),
  });
  return archive.store(wrapped, source);
}
