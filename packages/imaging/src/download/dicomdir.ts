/**
 * A DICOMDIR (PS3.10 §8, PS3.3 F.5) for a downloaded study, so that a PACS
 * import or a CD burner takes the ZIP's folder as a file-set: patient, study,
 * series and image records, linked by byte offsets. Written in explicit VR
 * little endian with explicit lengths, so that every record's offset is known
 * before a byte is written. The same study gives the same bytes (a resumed
 * download must match the first half).
 */
import { createHash } from 'node:crypto';

export interface DirectoryImage {
  /** Path components in the file-set (`DICOM`, `S001`, `I00001`). */
  fileId: string[];
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  instanceNumber: number | null;
}

export interface DirectorySeries {
  seriesUid: string;
  modality: string;
  seriesNumber: number | null;
  images: DirectoryImage[];
}

export interface DirectoryStudy {
  patientId: string;
  patientName: string;
  studyUid: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  series: DirectorySeries[];
}

import { element, EXPLICIT_LE, fileMeta, text, ul, us } from '../parse/part10-writer.js';

const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

interface Record {
  type: 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
  keys: Buffer;
  /** Index of the next record at this level, and of the first child. */
  next: number | null;
  child: number | null;
}

/** The record as an item, with its offsets filled in. */
function item(record: Record, offsets: number[]): Buffer {
  const body = Buffer.concat([
    ul(0x0004, 0x1400, record.next === null ? 0 : offsets[record.next]!),
    us(0x0004, 0x1410, 0xffff),
    ul(0x0004, 0x1420, record.child === null ? 0 : offsets[record.child]!),
    text(0x0004, 0x1430, 'CS', record.type),
    record.keys,
  ]);
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(0xe000, 2);
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A UID from a hash: the same input, the same UID. */
function derivedUid(input: string): string {
  return `2.25.${BigInt(`0x${createHash('sha256').update(input).digest('hex').slice(0, 30)}`).toString()}`;
}

export function buildDicomdir(study: DirectoryStudy): Buffer {
  const records: Record[] = [];
  const add = (record: Record) => records.push(record) - 1;
  const patient = add({
    type: 'PATIENT',
    keys: Buffer.concat([text(0x0010, 0x0010, 'PN', study.patientName), text(0x0010, 0x0020, 'LO', study.patientId)]),
    next: null,
    child: null,
  });
  const studyRecord = add({
    type: 'STUDY',
    keys: Buffer.concat([
      text(0x0008, 0x0020, 'DA', study.studyDate),
      text(0x0008, 0x0030, 'TM', study.studyTime),
      text(0x0008, 0x0050, 'SH', study.accessionNumber),
      text(0x0008, 0x1030, 'LO', study.studyDescription),
      text(0x0020, 0x000d, 'UI', study.studyUid),
      text(0x0020, 0x0010, 'SH', study.studyId),
    ]),
    next: null,
    child: null,
  });
  records[patient]!.child = studyRecord;
  let previousSeries: number | null = null;
  for (const series of study.series) {
    const seriesRecord = add({
      type: 'SERIES',
      keys: Buffer.concat([text(0x0008, 0x0060, 'CS', series.modality), text(0x0020, 0x000e, 'UI', series.seriesUid), text(0x0020, 0x0011, 'IS', series.seriesNumber === null ? '' : String(series.seriesNumber))]),
      next: null,
      child: null,
    });
    if (previousSeries === null) records[studyRecord]!.child = seriesRecord;
    else records[previousSeries]!.next = seriesRecord;
    previousSeries = seriesRecord;
    let previousImage: number | null = null;
    for (const image of series.images) {
      const imageRecord = add({
        type: 'IMAGE',
        keys: Buffer.concat([
          text(0x0004, 0x1500, 'CS', image.fileId.join('\\')),
          text(0x0004, 0x1510, 'UI', image.sopClassUid),
          text(0x0004, 0x1511, 'UI', image.sopInstanceUid),
          text(0x0004, 0x1512, 'UI', image.transferSyntaxUid),
          text(0x0020, 0x0013, 'IS', image.instanceNumber === null ? '' : String(image.instanceNumber)),
        ]),
        next: null,
        child: null,
      });
      if (previousImage === null) records[seriesRecord]!.child = imageRecord;
      else records[previousImage]!.next = imageRecord;
      previousImage = imageRecord;
    }
  }

  const sopInstanceUid = derivedUid(`dicomdir\u0000${study.studyUid}\u0000${records.length}`);
  const meta = fileMeta({ sopClassUid: MEDIA_STORAGE_DIRECTORY, sopInstanceUid, transferSyntaxUid: EXPLICIT_LE });
  const head = (first: number, last: number) =>
    Buffer.concat([text(0x0004, 0x1130, 'CS', 'RENKEI'), ul(0x0004, 0x1200, first), ul(0x0004, 0x1202, last), us(0x0004, 0x1212, 0)]);

  // Offsets do not change the sizes (each is a UL): lay the items out once with zeros, then again with the offsets.
  const zeros = records.map(() => 0);
  const sizes = records.map((r) => item(r, zeros).length);
  const sequenceStart = meta.length + head(0, 0).length + 12;
  const offsets: number[] = [];
  let at = sequenceStart;
  for (const size of sizes) {
    offsets.push(at);
    at += size;
  }
  const items = Buffer.concat(records.map((r) => item(r, offsets)));
  const sequence = element(0x0004, 0x1220, 'SQ', items);
  return Buffer.concat([meta, head(offsets[patient]!, offsets[patient]!), sequence]);
}
