/**
 * One frame of any transfer syntax Renkei stores, made native: the pixel
 * data a renderer reads (little endian, samples interleaved or planar as the
 * returned module says). Pure apart from loading the codecs (once per
 * process, on first use).
 *
 * | transfer syntax | decoder |
 * |---|---|
 * | native (implicit, explicit, big endian, deflated) | none: the bytes as they are |
 * | JPEG baseline .50, extended .51 (8-bit samples) | libjpeg-turbo; colour comes out RGB |
 * | JPEG extended .51 with 12-bit samples | none on npm (libjpeg-turbo's build is 8-bit only): NotRenderable |
 * | JPEG lossless .57, .70 | jpeg-lossless-decoder-js |
 * | JPEG-LS .80, .81 | CharLS |
 * | JPEG 2000 .90, .91 | OpenJPEG; YBR_RCT and YBR_ICT come out RGB |
 * | RLE .5 | our own (rle.ts) |
 *
 * A JPEG stream goes to the decoder its frame header (SOF) names, so that a
 * lossless stream labelled baseline, or the reverse, still decodes.
 */
import { NotRenderable, type PixelModule } from '../render/render.js';
import { charls, CodecFailure, decodeWithWasm, jpegLossless, libjpegTurbo, openjpeg, type FrameInfo, type WasmCodec, type WasmDecoder } from './codecs.js';
import { decodeRle } from './rle.js';

/** A frame as native pixel data, with the module that describes it (which may differ from the instance's: an RGB that was YBR, 8 bits where 16 were allocated). */
export interface NativeFrame {
  module: PixelModule;
  pixels: Uint8Array;
}

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);
/** Baseline, extended, lossless and lossless first-order prediction. */
const JPEG = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']);
/** SOF3, 7, 11, 15: lossless processes (ITU-T T.81 Table B.1). */
const LOSSLESS_SOF = new Set([0xc3, 0xc7, 0xcb, 0xcf]);
const JPEG_LS = new Set(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81']);
const JPEG_2000 = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);
const RLE = '1.2.840.10008.1.2.5';

/**
 * A frame's bytes as stored (all its fragments, joined) made native.
 * NotRenderable when the transfer syntax has no decoder here, or the frame
 * does not decode to what the header describes.
 *
 * @example const { module: native, pixels } = await decodeFrame('1.2.840.10008.1.2.4.90', fragment, module); renderPng(native, pixels, { maxSide: 512 })
 */
export async function decodeFrame(transferSyntaxUid: string, encoded: Uint8Array, module: PixelModule): Promise<NativeFrame> {
  if (NATIVE.has(transferSyntaxUid)) return { module, pixels: encoded };
  if (transferSyntaxUid === RLE) {
    const pixels = decodeRle(encoded, module);
    return { module: { ...module, planarConfiguration: 0, bigEndian: false }, pixels };
  }
  if (JPEG.has(transferSyntaxUid)) {
    const header = jpegFrameHeader(encoded);
    if (!header) throw new NotRenderable('the JPEG frame has no frame header (SOF)');
    // The frame header says which process made the stream, whatever the transfer syntax claims.
    if (LOSSLESS_SOF.has(header.marker)) return decodeJpegLossless(module, header, encoded);
    // libjpeg-turbo's WebAssembly build decodes 8-bit samples only, and npm has no 12-bit DCT decoder.
    if (header.precision > 8) throw new NotRenderable(`JPEG with ${header.precision}-bit samples (DCT) is not decoded`);
    const { info, pixels } = await decoded('JPEG', libjpegTurbo, encoded);
    // libjpeg turns YCbCr (YBR_FULL_422, YBR_FULL) into RGB as it decodes.
    return native(module, info, pixels, info.componentCount === 3 ? { photometricInterpretation: 'RGB' } : {});
  }
  if (JPEG_LS.has(transferSyntaxUid)) {
    const { info, pixels, inspected: interleave } = await decoded('JPEG-LS', charls, encoded, (decoder) => decoder.getInterleaveMode());
    // CharLS answers in the stream's interleave: mode 0 (none) is plane after plane.
    const planar = info.componentCount > 1 && interleave === 0 ? 1 : 0;
    return native(module, info, pixels, { planarConfiguration: planar });
  }
  if (JPEG_2000.has(transferSyntaxUid)) {
    const { info, pixels } = await decoded('JPEG 2000', openjpeg, encoded);
    // OpenJPEG undoes the multiple component transform (YBR_RCT, YBR_ICT) itself.
    const photometric = module.photometricInterpretation.trim().toUpperCase();
    return native(module, info, pixels, photometric === 'YBR_RCT' || photometric === 'YBR_ICT' ? { photometricInterpretation: 'RGB' } : {});
  }
  throw new NotRenderable(`transfer syntax ${transferSyntaxUid}`);
}

async function decodeJpegLossless(module: PixelModule, header: JpegFrameHeader, encoded: Uint8Array): Promise<NativeFrame> {
  const newDecoder = await jpegLossless.get();
  let samples: Uint8Array | Uint16Array;
  try {
    samples = newDecoder().decode(encoded.buffer, encoded.byteOffset, encoded.byteLength, header.precision > 8 ? 2 : 1);
  } catch (error) {
    throw new NotRenderable(`the JPEG lossless frame cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const info: FrameInfo = { width: header.columns, height: header.rows, bitsPerSample: header.precision, componentCount: header.components };
  return native(module, info, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
}

async function decoded<T extends WasmDecoder, R>(name: string, codec: WasmCodec<T>, encoded: Uint8Array, inspect?: (decoder: T) => R) {
  try {
    return await decodeWithWasm(codec, encoded, inspect);
  } catch (error) {
    if (error instanceof CodecFailure) throw new NotRenderable(`the ${name} frame cannot be decoded: ${error.message}`);
    throw error;
  }
}

/** The decoded samples with their module: size and samples checked against the header, the sample size from what came out. */
function native(module: PixelModule, info: FrameInfo, bytes: Uint8Array, changes: Partial<PixelModule> = {}): NativeFrame {
  if (info.width !== module.columns || info.height !== module.rows) throw new NotRenderable(`a frame of ${info.width}×${info.height}, ${module.columns}×${module.rows} in the header`);
  if (info.componentCount !== module.samplesPerPixel) throw new NotRenderable(`a frame of ${info.componentCount} component(s), ${module.samplesPerPixel} sample(s) per pixel in the header`);
  const samples = module.rows * module.columns * module.samplesPerPixel;
  const bytesPerSample = bytes.length >= samples * 2 ? 2 : 1;
  if (bytes.length < samples * bytesPerSample) throw new NotRenderable(`a frame that decodes to ${bytes.length} bytes, ${samples} samples expected`);
  const bitsAllocated = bytesPerSample * 8;
  return {
    module: { ...module, bitsAllocated, bitsStored: Math.min(module.bitsStored, bitsAllocated), planarConfiguration: 0, bigEndian: false, ow: bitsAllocated === 16, ...changes },
    pixels: bytes,
  };
}

export interface JpegFrameHeader {
  /** The SOF marker's second byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless… */
  marker: number;
  precision: number;
  rows: number;
  columns: number;
  components: number;
}

/** The frame header (SOF, ITU-T T.81 B.2.2) of a JPEG stream; undefined if there is none before the first scan. */
export function jpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 >= bytes.length) return undefined;
      return { marker, precision: bytes[i + 4]!, rows: (bytes[i + 5]! << 8) | bytes[i + 6]!, columns: (bytes[i + 7]! << 8) | bytes[i + 8]!, components: bytes[i + 9]! };
    }
    i += 2 + length;
  }
  return undefined;
}
