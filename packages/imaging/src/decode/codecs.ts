/**
 * The image codecs that Cornerstone's DICOM image loader uses (the same
 * versions), loaded in Node: libjpeg-turbo (8-bit JPEG), CharLS (JPEG-LS)
 * and OpenJPEG (JPEG 2000) as emscripten WebAssembly builds, and the
 * JavaScript JPEG lossless decoder. Each is loaded on first use, once per
 * process. A decoder object is made for each frame and deleted after it: one
 * kept from frame to frame answers a frame it cannot read (OpenJPEG does not
 * throw) with the size and pixels of the frame before, another patient's
 * perhaps.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

/** The shape the three emscripten decoders share (their C++ classes through embind). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  /** A view into the module's memory, valid until the next decode. */
  getDecodedBuffer(): Uint8Array;
  /** Frees the C++ object (embind). */
  delete(): void;
}

export interface JpegLsDecoder extends WasmDecoder {
  /** 0: planes one after the other; 1: by line; 2: by sample. */
  getInterleaveMode(): number;
}

export interface JpegLosslessDecoder {
  decode(buffer: ArrayBufferLike, offset: number, length: number, bytesPerSample: number): Uint8Array | Uint16Array;
}

export type WasmDecoderClass<T extends WasmDecoder> = new () => T;

type Factory = (module: { print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<Record<string, WasmDecoderClass<WasmDecoder>>>;

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

/** The decoder class of an emscripten build; its progress lines (OpenJPEG's "[INFO] …") are not written to the server's output. */
function wasmDecoder<T extends WasmDecoder>(specifier: string, className: string): () => Promise<WasmDecoderClass<T>> {
  return lazy(async () => {
    const factory = require(specifier) as Factory;
    const codec = await factory({ print: () => {}, printErr: () => {} });
    const Decoder = codec[className];
    if (!Decoder) throw new Error(`${specifier} has no ${className}`);
    return Decoder as WasmDecoderClass<T>;
  });
}

export const libjpegTurbo = wasmDecoder<WasmDecoder>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder');
export const charls = wasmDecoder<JpegLsDecoder>('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder');
export const openjpeg = wasmDecoder<WasmDecoder>('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder');

/** A JPEG lossless decoder (plain JavaScript; one per frame, as it keeps the frame's state). */
export const jpegLossless = lazy(async () => {
  const { Decoder } = require('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => JpegLosslessDecoder };
  return () => new Decoder();
});

/**
 * One frame decoded by a new decoder, the result copied out of the module's
 * memory (`inspect` reads more of the decoder before it is deleted).
 * Emscripten throws C++ exceptions as bare numbers: they are made errors.
 */
export function runWasm<T extends WasmDecoder, R = undefined>(Decoder: WasmDecoderClass<T>, encoded: Uint8Array, inspect?: (decoder: T) => R): { info: FrameInfo; pixels: Uint8Array; inspected: R | undefined } {
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const view = decoder.getDecodedBuffer();
    const pixels = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    return { info: { ...decoder.getFrameInfo() }, pixels, inspected: inspect?.(decoder) };
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(`the codec failed (${String(error)})`);
  } finally {
    decoder.delete();
  }
}
