/**
 * Which attributes belong to which QIDO-RS level (PS3.18 Table 10.6.1-5), as
 * the index keeps them: a study's, a series' and an instance's own, taken
 * from the instance's DICOM JSON when it is stored.
 */
import type { DicomJson } from '../parse/dicom-json.js';

export const STUDY_TAGS = [
  '00080005', // Specific Character Set
  '00080020', // Study Date
  '00080030', // Study Time
  '00080050', // Accession Number
  '00080056', // Instance Availability
  '00080090', // Referring Physician's Name
  '00081030', // Study Description
  '00100040', // Patient's Sex
  '0020000D', // Study Instance UID
  '00200010', // Study ID
];

export const SERIES_TAGS = [
  '00080005',
  '00080021', // Series Date
  '00080031', // Series Time
  '00080060', // Modality
  '0008103E', // Series Description
  '00180015', // Body Part Examined
  '0020000E', // Series Instance UID
  '00200011', // Series Number
  '00400244', // Performed Procedure Step Start Date
  '00400245', // Performed Procedure Step Start Time
];

export const INSTANCE_TAGS = [
  '00080005',
  '00080016', // SOP Class UID
  '00080018', // SOP Instance UID
  '00200013', // Instance Number
  '00280008', // Number of Frames
  '00280010', // Rows
  '00280011', // Columns
  '00280100', // Bits Allocated
];

/** The tags of `tags` that `json` has. */
export function pick(json: DicomJson, tags: readonly string[]): DicomJson {
  const picked: DicomJson = {};
  for (const tag of tags) if (json[tag]) picked[tag] = json[tag]!;
  return picked;
}
