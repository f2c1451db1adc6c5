/**
 * Which studies a viewer may see, asked of the policy (`maySeeStudy`) for
 * every study a search or a retrieve touches. An unknown study and a study
 * the viewer may not see answer the same: nothing.
 */
import { maySeeStudy, worksWithImages, type Actor } from '@renkei/access';
import { decryptField } from '@renkei/identity';
import type { Db, ServerKeys } from '@renkei/store';
import type { DicomJson } from '../parse/dicom-json.js';

export interface VisibleStudy {
  studyUid: string;
  facilityCode: string;
  pseudonym: string;
}

/**
 * The studies a viewer sees beyond their facility's: those attached to
 * exchange items they take part in, as the exchange's policy says
 * (`maySeeAttachedStudy`). The server binds it to the request; the image
 * store knows nothing of the exchange.
 */
export interface SharedStudies {
  /** Whether the viewer may see this study through an item carrying it. */
  mayView(studyUid: string): Promise<boolean>;
  /** The StudyInstanceUIDs the viewer may see so, for searches. */
  inView(): Promise<readonly string[]>;
}

/** The study if `viewer` may see it: stored by their facility, or shared with them through an exchange item. */
export async function visibleStudy(clinical: Db, viewer: Actor, studyUid: string, shared?: SharedStudies): Promise<VisibleStudy | undefined> {
  const { rows } = await clinical.query<{ facility_code: string; patient_pseudonym: string }>('SELECT facility_code, patient_pseudonym FROM imaging_studies WHERE study_uid = $1', [studyUid]);
  const row = rows[0];
  if (!row) return undefined;
  if (!maySeeStudy(viewer, { facilityCode: row.facility_code }) && !(await shared?.mayView(studyUid))) return undefined;
  return { studyUid, facilityCode: row.facility_code, pseudonym: row.patient_pseudonym };
}

/** The facilities whose studies `viewer` may search (the SQL side of `maySeeStudy`; each row is asked again). */
export function searchableFacilities(viewer: Actor): string[] {
  return viewer.facilityCode && worksWithImages(viewer.role) ? [viewer.facilityCode.trim()] : [];
}

/** The identifying elements of these patients (by pseudonym), decrypted, for the answers that name them. */
export async function patientElements(identity: Db, keys: ServerKeys, pseudonyms: readonly string[]): Promise<Map<string, DicomJson>> {
  const found = new Map<string, DicomJson>();
  if (pseudonyms.length === 0) return found;
  const { rows } = await identity.query<{ pseudonym: string; elements_enc: Uint8Array }>('SELECT pseudonym, elements_enc FROM imaging_patients WHERE pseudonym = ANY($1::uuid[])', [[...new Set(pseudonyms)]]);
  for (const row of rows) found.set(row.pseudonym, JSON.parse(decryptField(keys.encryption, row.elements_enc)) as DicomJson);
  return found;
}
