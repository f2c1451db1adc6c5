import { describe, expect, it } from 'vitest';
import { decodePng } from '../testing.js';
import { encodePng, fitInto, NotRenderable, parseViewport, parseWindow, renderFrame, renderPng, scaleImage, storedValues, voi, type PixelModule } from './render.js';

/** A greyscale module of `columns`×`rows`, 16-bit unsigned, no window. */
const grey = (overrides: Partial<PixelModule> = {}): PixelModule => ({
  rows: 1,
  columns: 4,
  samplesPerPixel: 1,
  photometricInterpretation: 'MONOCHROME2',
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  bigEndian: false,
  ow: true,
  ...overrides,
});

const le16 = (values: number[]) => {
  const bytes = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => (v < 0 ? bytes.writeInt16LE(v, i * 2) : bytes.writeUInt16LE(v, i * 2)));
  return bytes;
};

describe('rendering a frame', () => {
  it('reads signed, masked and big-endian samples', () => {
    expect(Array.from(storedValues(grey({ pixelRepresentation: 1 }), le16([-1000, 0, 40, 32767])))).toEqual([-1000, 0, 40, 32767]);
    // 12 bits stored, signed: 0x0FFF is -1 and the bits above are ignored.
    expect(Array.from(storedValues(grey({ bitsStored: 12, pixelRepresentation: 1 }), le16([0x0fff, 0xf7ff, 0x0800, 1])))).toEqual([-1, 2047, -2048, 1]);
    const be = Buffer.from([0x01, 0x02, 0xff, 0xfe, 0, 0, 0, 1]);
    expect(Array.from(storedValues(grey({ bigEndian: true, pixelRepresentation: 1 }), be))).toEqual([0x0102, -2, 0, 1]);
    expect(Array.from(storedValues(grey({ bitsAllocated: 8, bitsStored: 8 }), Buffer.from([1, 2, 3, 4])))).toEqual([1, 2, 3, 4]);
    // 8-bit samples stored as OW in big endian come in swapped pairs.
    expect(Array.from(storedValues(grey({ bitsAllocated: 8, bitsStored: 8, bigEndian: true }), Buffer.from([2, 1, 4, 3])))).toEqual([1, 2, 3, 4]);
    expect(() => storedValues(grey(), Buffer.alloc(4))).toThrow(NotRenderable);
  });

  it('applies the linear, linear-exact and sigmoid windows of PS3.3 C.11.2.1.2', () => {
    const w = { center: 40, width: 400, function: 'linear' as const };
    expect(voi(-1000, w)).toBe(0);
    expect(voi(240, w)).toBe(255);
    expect(voi(40, w)).toBe(128);
    expect(voi(-160, { ...w, function: 'linear-exact' })).toBe(0);
    expect(voi(40, { ...w, function: 'sigmoid' })).toBe(128);
    expect(voi(1000, { ...w, function: 'sigmoid' })).toBe(255);
  });

  it('rescales, windows by the header, and by min/max without one', () => {
    // Stored 0..3 with slope 100 and intercept -1024: -1024, -924, -824, -724.
    const module = grey({ rescaleSlope: 100, rescaleIntercept: -1024 });
    expect(Array.from(renderFrame(module, le16([0, 1, 2, 3])).data)).toEqual([0, 85, 170, 255]);
    const windowed = renderFrame({ ...module, windowCenter: -874, windowWidth: 99 }, le16([0, 1, 2, 3]));
    expect(Array.from(windowed.data)).toEqual([0, 0, 255, 255]);
    // The asked window wins over the header's.
    const asked = renderFrame({ ...module, windowCenter: -874, windowWidth: 101 }, le16([0, 1, 2, 3]), { center: -724, width: 2, function: 'linear' });
    expect(Array.from(asked.data)).toEqual([0, 0, 0, 255]);
  });

  it('inverts MONOCHROME1', () => {
    expect(Array.from(renderFrame(grey({ photometricInterpretation: 'MONOCHROME1' }), le16([0, 1, 2, 3])).data)).toEqual([255, 170, 85, 0]);
  });

  it('takes RGB as it is, in either planar configuration', () => {
    const rgb = { ...grey({ samplesPerPixel: 3, photometricInterpretation: 'RGB', bitsAllocated: 8, bitsStored: 8, columns: 2 }) };
    const interleaved = renderFrame(rgb, Buffer.from([255, 0, 0, 0, 0, 255]));
    expect(Array.from(interleaved.data)).toEqual([255, 0, 0, 0, 0, 255]);
    const planar = renderFrame({ ...rgb, planarConfiguration: 1 }, Buffer.from([255, 0, 0, 0, 0, 255]));
    expect(Array.from(planar.data)).toEqual([255, 0, 0, 0, 0, 255]);
    expect(planar.channels).toBe(3);
    expect(() => renderFrame({ ...rgb, photometricInterpretation: 'YBR_FULL_422' }, Buffer.alloc(6))).toThrow(NotRenderable);
  });

  it('turns YBR_FULL into RGB (PS3.3 C.7.6.3.1.2), in either planar configuration', () => {
    const ybr = { ...grey({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL', bitsAllocated: 8, bitsStored: 8, columns: 3 }) };
    // Pure red (76, 85, 255), mid grey (128, 128, 128) and pure blue (29, 255, 107) as JPEG's YCbCr has them.
    const interleaved = renderFrame(ybr, Buffer.from([76, 85, 255, 128, 128, 128, 29, 255, 107]));
    expect(Array.from(interleaved.data)).toEqual([254, 0, 0, 128, 128, 128, 0, 0, 254]);
    const planar = renderFrame({ ...ybr, planarConfiguration: 1 }, Buffer.from([76, 128, 29, 85, 128, 255, 255, 128, 107]));
    expect(Array.from(planar.data)).toEqual(Array.from(interleaved.data));
  });

  it('scales by averaging, keeps the aspect, and writes a PNG of the size asked', async () => {
    expect(fitInto({ width: 512, height: 256 }, { width: 128, height: 128 })).toEqual({ width: 128, height: 64 });
    expect(fitInto({ width: 64, height: 64 }, { width: 128, height: 128 })).toEqual({ width: 64, height: 64 });
    const image = { width: 4, height: 2, channels: 1 as const, data: new Uint8Array([0, 0, 200, 200, 0, 0, 200, 100]) };
    expect(Array.from(scaleImage(image, { width: 2, height: 1 }).data)).toEqual([0, 175]);
    const png = await decodePng(encodePng(image));
    expect([png.width, png.height, png.colorType, png.grey(3, 1)]).toEqual([4, 2, 0, 100]);

    const module = grey({ rows: 300, columns: 600, bitsAllocated: 8, bitsStored: 8 });
    const frame = Buffer.alloc(300 * 600, 0);
    frame.fill(255, 0, 600 * 150); // the top half bright
    const thumb = await decodePng(renderPng(module, frame, { maxSide: 128 }).png);
    expect([thumb.width, thumb.height]).toEqual([128, 64]);
    expect(thumb.grey(64, 10)).toBe(255);
    expect(thumb.grey(64, 50)).toBe(0);
    const big = await decodePng(renderPng(module, frame, { maxSide: 128, viewport: { width: 1200, height: 1200 } }).png);
    expect([big.width, big.height]).toEqual([1200, 600]);
  });

  it('reads the window and viewport query parameters, refusing malformed ones', () => {
    expect(parseWindow('40,400')).toEqual({ center: 40, width: 400, function: 'linear' });
    expect(parseWindow('40,400,SIGMOID')).toEqual({ center: 40, width: 400, function: 'sigmoid' });
    expect(parseWindow(undefined)).toBeUndefined();
    for (const bad of ['40', '40,0', 'a,b', '40,400,cubic', '1,2,linear,3']) expect(() => parseWindow(bad), bad).toThrow(RangeError);
    expect(parseViewport('256,128')).toEqual({ width: 256, height: 128 });
    for (const bad of ['256', '0,10', '1.5,2', '99999,1']) expect(() => parseViewport(bad), bad).toThrow(RangeError);
  });
});
