/**
 * Writing DICOM in explicit VR little endian: the few elements Renkei writes
 * itself (a DICOMDIR's records, the File Meta group of an instance that came
 * over the network without one).
 */

export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLEMENTATION_CLASS = '1.2.392.200119.9.1';
const IMPLEMENTATION_VERSION = 'RENKEI';

function pad(bytes: Buffer, vr: string): Buffer {
  if (bytes.length % 2 === 0) return bytes;
  return Buffer.concat([bytes, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
}

/** One element, explicit VR little endian. */
export function element(group: number, elementNumber: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR'].includes(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

export const text = (group: number, n: number, vr: string, value: string) => element(group, n, vr, pad(Buffer.from(value, 'utf8'), vr));

export const ul = (group: number, n: number, value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return element(group, n, 'UL', b);
};

export const us = (group: number, n: number, value: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value, 0);
  return element(group, n, 'US', b);
};

/** The preamble, "DICM" and the File Meta group (PS3.10 §7.1). */
export function fileMeta(meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; sourceAeTitle?: string }): Buffer {
  const body = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    text(0x0002, 0x0002, 'UI', meta.sopClassUid),
    text(0x0002, 0x0003, 'UI', meta.sopInstanceUid),
    text(0x0002, 0x0010, 'UI', meta.transferSyntaxUid),
    text(0x0002, 0x0012, 'UI', IMPLEMENTATION_CLASS),
    text(0x0002, 0x0013, 'SH', IMPLEMENTATION_VERSION),
    ...(meta.sourceAeTitle ? [text(0x0002, 0x0016, 'AE', meta.sourceAeTitle)] : []),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), ul(0x0002, 0x0000, body.length), body]);
}
