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

/** Loaded on first use; forgotten (to be loaded again) when loading fails or the module has aborted. */
function lazy<T>(load: () => Promise<T>): { get(): Promise<T>; forget(): void } {
  let loading: Promise<T> | undefined;
  const forget = () => {
    loading = undefined;
  };
  return {
    get: () => {
      loading ??= load().catch((error: unknown) => {
        forget();
        throw error;
      });
      return loading;
    },
    forget,
  };
}

export type WasmCodec<T extends WasmDecoder> = ReturnType<typeof lazy<WasmDecoderClass<T>>>;

/** The decoder class of an emscripten build; its progress lines (OpenJPEG's "[INFO] …") are not written to the server's output. */
function wasmCodec<T extends WasmDecoder>(specifier: string, className: string): WasmCodec<T> {
  return lazy(async () => {
    const factory = require(specifier) as Factory;
    const codec = await factory({ print: () => {}, printErr: () => {} });
    const Decoder = codec[className];
    if (!Decoder) throw new Error(`${specifier} has no ${className}`);
    return Decoder as WasmDecoderClass<T>;
  });
}

export const libjpegTurbo = wasmCodec<WasmDecoder>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder');
export const charls = wasmCodec<JpegLsDecoder>('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder');
export const openjpeg = wasmCodec<WasmDecoder>('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder');

/** A JPEG lossless decoder (plain JavaScript; one per frame, as it keeps the frame's state). */
export const jpegLossless = lazy(async () => {
  const { Decoder } = require('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => JpegLosslessDecoder };
  return () => new Decoder();
});

/** A frame the codec could not decode (a codec that cannot be loaded throws its own error instead). */
export class CodecFailure extends Error {}

/**
 * One frame decoded by a new decoder of the codec, the result copied out of
 * the module's memory (`inspect` reads more of the decoder before it is
 * deleted). Emscripten throws C++ exceptions as bare numbers: they become
 * CodecFailure like any other. A module that has aborted (a WebAssembly
 * RuntimeError) answers nothing after: it is forgotten, and the next frame
 * loads it anew.
 */
export async function decodeWithWasm<T extends WasmDecoder, R = undefined>(codec: WasmCodec<T>, encoded: Uint8Array, inspect?: (decoder: T) => R): Promise<{ info: FrameInfo; pixels: Uint8Array; inspected: R | undefined }> {
  const Decoder = await codec.get();
  let decoder: T | undefined;
  try {
    decoder = new Decoder();
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const view = decoder.getDecodedBuffer();
    const pixels = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    return { info: { ...decoder.getFrameInfo() }, pixels, inspected: inspect?.(decoder) };
  } catch (error) {
    if (error instanceof Error && error.name === 'RuntimeError') {
      codec.forget();
      decoder = undefined;
    }
    throw new CodecFailure(error instanceof Error ? error.message : `the codec failed (${String(error)})`);
  } finally {
    decoder?.delete();
  }
}
