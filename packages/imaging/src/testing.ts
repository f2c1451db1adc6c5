/**
 * Test support: DICOM files made here, never downloaded. Synthetic CT slices
 * are written with dcmjs; dcmtk (dcmodify, img2dcm, dcmcjpeg) changes them
 * or makes others, as a modality or a PACS would.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import dcmjs from 'dcmjs';

const run = promisify(execFile);

const { DicomDict, DicomMetaDictionary } = (dcmjs as any).data;

/** A fresh UID under 2.25 (a UUID as a number). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

export interface SliceOptions {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid?: string;
  instanceNumber?: number;
  rows?: number;
  columns?: number;
  patientId?: string;
  patientName?: string;
  birthDate?: string;
  studyDate?: string;
  accessionNumber?: string;
  modality?: string;
  studyDescription?: string;
  seriesNumber?: number;
  /** Pixel values, deterministic per slice. */
  seed?: number;
  /** 8: unsigned 8-bit samples (10 outside the body, 100–159 inside, window 128/256), as an MR or a secondary capture has them; 16 (the default): signed CT values. */
  bitsAllocated?: 8 | 16;
  /** Number of frames (a multi-frame instance), frame f drawn as the slice of seed + f − 1; one if not given. */
  frames?: number;
}

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** One CT slice, 16-bit signed (or 8-bit unsigned), explicit VR little endian, as a Part 10 file. */
export function syntheticSlice(options: SliceOptions): Buffer {
  const rows = options.rows ?? 64;
  const columns = options.columns ?? 64;
  const sop = options.sopInstanceUid ?? newUid();
  const eight = options.bitsAllocated === 8;
  const frames = options.frames ?? 1;
  const size = rows * columns;
  const pixels = eight ? new Uint8Array(size * frames) : new Int16Array(size * frames);
  const seed = options.seed ?? options.instanceNumber ?? 1;
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const r = Math.hypot(x - columns / 2, y - rows / 2);
        const inside = (x * 7 + y * 3 + (seed + f) * 11) % 60;
        pixels[f * size + y * columns + x] = r < columns * 0.4 ? (eight ? 100 : 40) + inside : eight ? 10 : -1000;
      }
    }
  }
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: EXPLICIT_LITTLE_ENDIAN,
    ImplementationClassUID: '1.2.392.200119.9.1',
    ImplementationVersionName: 'RENKEI_TEST',
  };
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: sop,
    StudyDate: options.studyDate ?? '20260401',
    SeriesDate: options.studyDate ?? '20260401',
    StudyTime: '101500',
    AccessionNumber: options.accessionNumber ?? 'A0001',
    Modality: options.modality ?? 'CT',
    Manufacturer: 'Renkei',
    ReferringPhysicianName: '',
    StudyDescription: options.studyDescription ?? 'CT chest',
    SeriesDescription: 'axial',
    PatientName: options.patientName ?? 'Yamada^Tarou',
    PatientID: options.patientId ?? 'P0001',
    PatientBirthDate: options.birthDate ?? '19600101',
    PatientSex: 'M',
    SliceThickness: 1,
    KVP: 120,
    StudyInstanceUID: options.studyUid,
    SeriesInstanceUID: options.seriesUid,
    StudyID: '1',
    SeriesNumber: options.seriesNumber ?? 1,
    InstanceNumber: options.instanceNumber ?? 1,
    ImagePositionPatient: [-100, -100, (options.instanceNumber ?? 1) * 1.0],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    FrameOfReferenceUID: options.studyUid + '.1',
    SliceLocation: (options.instanceNumber ?? 1) * 1.0,
    ...(options.frames === undefined ? {} : { NumberOfFrames: options.frames }),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    PixelSpacing: [0.7, 0.7],
    BitsAllocated: eight ? 8 : 16,
    BitsStored: eight ? 8 : 16,
    HighBit: eight ? 7 : 15,
    PixelRepresentation: eight ? 0 : 1,
    WindowCenter: eight ? 128 : 40,
    WindowWidth: eight ? 256 : 400,
    RescaleIntercept: 0,
    RescaleSlope: 1,
    PixelData: pixels.buffer,
    _vrMap: { PixelData: eight ? 'OB' : 'OW' },
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}

/** A folder for made files, removed by `remove`. */
export async function workFolder(): Promise<{ dir: string; file(name: string): string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'renkei-dicom-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * `file` with elements set to exact bytes by dcmtk's dcmodify (a value from a
 * file, so that any character set's bytes go in as they are); answers the
 * new file's bytes.
 */
export async function dcmodifyBytes(file: string, values: Record<string, Uint8Array>): Promise<Buffer> {
  const args: string[] = ['-nb'];
  for (const [tag, bytes] of Object.entries(values)) {
    const valueFile = `${file}.${tag.replace(/[^0-9A-Fa-f]/g, '')}.value`;
    // Text values are padded to even length with a space, as PS3.5 §6.2 says.
    await writeFile(valueFile, bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from(' ')]));
    args.push('-if', `${tag}=${valueFile}`);
  }
  await run('dcmodify', [...args, file]);
  return readFile(file);
}

/** dcmodify with plain values (`(0010,0020)=X`, `-e`-style erasures as `erase:(0020,000D)`). */
export async function dcmodify(file: string, changes: string[]): Promise<Buffer> {
  const args = ['-nb'];
  for (const change of changes) {
    if (change.startsWith('erase:')) args.push('-e', change.slice('erase:'.length));
    else args.push('-i', change);
  }
  await run('dcmodify', [...args, file]);
  return readFile(file);
}

/** A 24-bit BMP picture (a photograph stand-in): `width`×`height`, a colour gradient. */
export function bmpPicture(width: number, height: number): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowSize * height;
  const bmp = Buffer.alloc(size);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(size, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(rowSize * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = 54 + y * rowSize + x * 3;
      bmp[at] = (x * 255) / width;
      bmp[at + 1] = (y * 255) / height;
      bmp[at + 2] = 128;
    }
  }
  return bmp;
}

/** Runs a dcmtk tool; answers its output. */
export async function dcmtk(tool: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(tool, args);
  return stdout + stderr;
}

export interface RunningOrthanc {
  /** http://127.0.0.1:port (the REST API; DICOMweb under /dicom-web). */
  url: string;
  dicomPort: number;
  aeTitle: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Debian's Orthanc with its DICOMweb plugin, on loopback, in a folder of its
 * own: the conformance and speed peer. Accepts C-STORE from any AE title.
 */
export async function startOrthanc(dir: string): Promise<RunningOrthanc> {
  const { spawn } = await import('node:child_process');
  const { mkdir } = await import('node:fs/promises');
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  await mkdir(path.join(dir, 'db'), { recursive: true });
  const config = {
    Name: 'RENKEI-PEER',
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomCheckCalledAet: false,
    UnknownSopClassAccepted: true,
    StorageCompression: false,
    HttpCompressionEnabled: false,
    ConcurrentJobs: 2,
    Plugins: ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Host: `127.0.0.1:${httpPort}`, Ssl: false },
  };
  const file = path.join(dir, 'orthanc.json');
  await writeFile(file, JSON.stringify(config));
  const child = spawn('Orthanc', [file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${httpPort}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`Orthanc stopped: ${stderr}`);
    try {
      const response = await fetch(`${url}/system`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 150) throw new Error(`Orthanc did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dicomPort,
    aeTitle: 'ORTHANC',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A colour picture as binary PPM (netpbm's input): `width`×`height`, a gradient. */
function ppmPicture(width: number, height: number): Buffer {
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`, 'latin1');
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = 128;
    }
  }
  return Buffer.concat([header, pixels]);
}

/** A photograph as a camera writes it: a baseline JPEG made by netpbm's pnmtojpeg (4:2:0 colour). */
export async function jpegPhotograph(width: number, height: number): Promise<Buffer> {
  const folder = await workFolder();
  try {
    const ppm = folder.file('picture.ppm');
    await writeFile(ppm, ppmPicture(width, height));
    const { stdout } = await promisify(execFile)('pnmtojpeg', ['--quality=85', ppm], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } finally {
    await folder.remove();
  }
}

/** A PNG screenshot-like picture (RGBA, written by pngjs): `width`×`height`, a gradient, half transparent in its top row. */
export async function pngPhotograph(width: number, height: number): Promise<Buffer> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      png.data[at] = (x * 255) / width;
      png.data[at + 1] = (y * 255) / height;
      png.data[at + 2] = 128;
      png.data[at + 3] = y === 0 ? 128 : 255;
    }
  }
  return PNG.sync.write(png);
}

/** A STOW-RS request body (multipart/related): each part's bytes under its Content-Type, application/dicom unless said. */
export function stowBody(boundary: string, parts: ReadonlyArray<Buffer | { bytes: Buffer; type?: string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const { bytes, type } = Buffer.isBuffer(part) ? { bytes: part, type: undefined } : part;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type ?? 'application/dicom'}\r\n\r\n`), bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A PNG file's size, channels and 8-bit pixels (RGBA, as pngjs decodes it); `grey(x, y)` is the red sample at a point. */
export async function decodePng(bytes: Buffer): Promise<{ width: number; height: number; colorType: number; data: Buffer; grey(x: number, y: number): number; rgb(x: number, y: number): [number, number, number] }> {
  const { PNG } = await import('pngjs');
  const png = PNG.sync.read(bytes);
  const colorType = bytes[25]!;
  const at = (x: number, y: number) => (y * png.width + x) * 4;
  return {
    width: png.width,
    height: png.height,
    colorType,
    data: png.data,
    grey: (x, y) => png.data[at(x, y)]!,
    rgb: (x, y) => [png.data[at(x, y)]!, png.data[at(x, y) + 1]!, png.data[at(x, y) + 2]!],
  };
}

/**
 * A Part 10 file transcoded by a real tool, as a modality or PACS would send
 * it: dcmtk's `dcmcjpeg` (JPEG), `dcmcjpls` (JPEG-LS), `dcmcrle` (RLE), or
 * GDCM's `gdcmconv` (`--jpegls`, `--j2k`, `--rle`, with `--lossy`); or
 * decompressed by dcmtk's `dcmdjpeg`, as a reference decoding.
 *
 * @example await transcoded(syntheticSlice(options), 'gdcmconv', ['--j2k'])
 */
export async function transcoded(file: Buffer, tool: 'dcmcjpeg' | 'dcmdjpeg' | 'dcmcjpls' | 'dcmcrle' | 'gdcmconv', args: string[] = []): Promise<Buffer> {
  const folder = await workFolder();
  try {
    await writeFile(folder.file('source.dcm'), file);
    await run(tool, [...args, folder.file('source.dcm'), folder.file('target.dcm')]);
    return await readFile(folder.file('target.dcm'));
  } finally {
    await folder.remove();
  }
}

/** An RGB secondary capture (`width`×`height`, the BMP gradient) made by dcmtk's img2dcm, explicit VR little endian; `keys` as img2dcm's `-k`. */
export async function rgbSecondaryCapture(width: number, height: number, keys: Record<string, string> = {}): Promise<Buffer> {
  const folder = await workFolder();
  try {
    await writeFile(folder.file('picture.bmp'), bmpPicture(width, height));
    await run('img2dcm', ['-i', 'BMP', folder.file('picture.bmp'), folder.file('picture.dcm'), ...Object.entries(keys).flatMap(([key, value]) => ['-k', `${key}=${value}`])]);
    return await readFile(folder.file('picture.dcm'));
  } finally {
    await folder.remove();
  }
}

/** The SOP Instance UID of a Part 10 file (lossy compression gives an instance a new one, as PS3.3 C.7.6.1.1.5 asks). */
export async function sopInstanceUidOf(file: Buffer): Promise<string> {
  const { default: dicomParser } = await import('dicom-parser');
  return dicomParser.parseDicom(file, { untilTag: 'x00080018' }).string('x00080018')!.replace(/\0/g, '').trim();
}

/** dcmtk's storescp as a facility's PACS: every instance it receives is a file in `dir`. */
export async function startStorescp(aeTitle: string, dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('storescp', ['-aet', aeTitle, '-od', dir, '+xa', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Ready once it accepts a connection.
  const { connect } = await import('node:net');
  for (let attempt = 0; ; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true))).on('error', () => resolve(false));
    });
    if (up) break;
    if (attempt > 100) throw new Error('storescp did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))) };
}
