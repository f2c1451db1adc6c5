import { describe, expect, it } from 'vitest';
import { charls, CodecFailure, decodeWithWasm, openjpeg, type WasmCodec, type WasmDecoder } from './codecs.js';

describe('the WebAssembly codecs', () => {
  it('are loaded once per process', async () => {
    const [first, second] = await Promise.all([openjpeg.get(), openjpeg.get()]);
    expect(first).toBe(second);
    expect(await openjpeg.get()).toBe(first);
  });

  it('answer a frame they cannot read with CodecFailure, a C++ exception (a bare number) included', async () => {
    await expect(decodeWithWasm(charls, Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).rejects.toThrow(CodecFailure);
    // The codec still decodes after it.
    await expect(decodeWithWasm(charls, Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).rejects.toThrow(CodecFailure);
  });

  it('forget a module that has aborted, so that the next frame loads it anew', async () => {
    // An emscripten module that aborts throws WebAssembly.RuntimeError and is unusable after; no real frame is known to make one abort.
    let forgotten = 0;
    let deleted = 0;
    const aborting = (failure: unknown): WasmCodec<WasmDecoder> => ({
      get: async () =>
        class {
          getEncodedBuffer = (length: number) => new Uint8Array(length);
          decode = () => {
            throw failure;
          };
          getFrameInfo = () => ({ width: 0, height: 0, bitsPerSample: 8, componentCount: 1 });
          getDecodedBuffer = () => new Uint8Array(0);
          delete = () => void deleted++;
        },
      forget: () => void forgotten++,
    });
    const abort = Object.assign(new Error('Aborted(OOM)'), { name: 'RuntimeError' });
    await expect(decodeWithWasm(aborting(abort), Buffer.alloc(4))).rejects.toThrow(new CodecFailure('Aborted(OOM)'));
    expect([forgotten, deleted]).toEqual([1, 0]);
    await expect(decodeWithWasm(aborting(105312), Buffer.alloc(4))).rejects.toThrow(new CodecFailure('the codec failed (105312)'));
    expect([forgotten, deleted]).toEqual([1, 1]);
  });
});
