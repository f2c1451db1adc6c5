/**
 * Rendered images (PS3.18 §10.4 rendered, §10.7 thumbnail): one frame of
 * native (uncompressed) pixel data made into 8-bit grey or RGB, scaled, and
 * written as PNG. Pure functions, no I/O: the bytes come in, the PNG goes out.
 * Compressed frames are made native first by decodeFrame (../decode/).
 *
 * Greyscale (MONOCHROME1/2, 8 or 16 bits allocated, signed or not): the
 * Modality LUT (Rescale Slope/Intercept), then the VOI window (the one asked
 * for, else the first of the header, else the pixels' min/max), MONOCHROME1
 * inverted. RGB (planar configuration 0 or 1): the samples as they are;
 * YBR_FULL turned into RGB (PS3.3 C.7.6.3.1.2).
 */
import { PNG } from 'pngjs';

export interface PixelModule {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number | undefined;
  windowWidth?: number | undefined;
  /** Explicit VR big endian: 16-bit samples are stored high byte first. */
  bigEndian: boolean;
  /** Pixel data stored as OW: in big endian, 8-bit samples come in swapped byte pairs. */
  ow: boolean;
}

export type VoiFunction = 'linear' | 'linear-exact' | 'sigmoid';

export interface VoiWindow {
  center: number;
  width: number;
  function: VoiFunction;
}

export interface Size {
  width: number;
  height: number;
}

/** An 8-bit image: one channel (grey) or three (RGB), rows top to bottom. */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Why a frame cannot be rendered (answered as 406 not-renderable). */
export class NotRenderable extends Error {}

/** What a `window` query parameter (PS3.18 §8.3.5.1.4: center,width[,function]) asks; undefined when absent; a RangeError when malformed. */
export function parseWindow(value: string | undefined): VoiWindow | undefined {
  if (value === undefined || value === '') return undefined;
  const [center, width, fn = 'linear', ...rest] = value.split(',').map((s) => s.trim());
  const c = Number(center);
  const w = Number(width);
  const name = fn.toLowerCase().replace('_', '-');
  if (rest.length > 0 || center === '' || width === '' || !Number.isFinite(c) || !Number.isFinite(w) || w <= 0 || !['linear', 'linear-exact', 'sigmoid'].includes(name)) {
    throw new RangeError('window is center,width[,linear|linear-exact|sigmoid] with a positive width');
  }
  if (name === 'linear' && w < 1) throw new RangeError('a linear window is at least 1 wide');
  return { center: c, width: w, function: name as VoiFunction };
}

/** What a `viewport` query parameter (PS3.18 §8.3.5.1.3: width,height) asks; undefined when absent; a RangeError when malformed. */
export function parseViewport(value: string | undefined): Size | undefined {
  if (value === undefined || value === '') return undefined;
  const parts = value.split(',').map((s) => s.trim());
  const [width, height] = parts.map(Number);
  if (parts.length !== 2 || !Number.isInteger(width) || !Number.isInteger(height) || width! < 1 || height! < 1 || width! > 4096 || height! > 4096) {
    throw new RangeError('viewport is width,height in pixels (1–4096)');
  }
  return { width: width!, height: height! };
}

/** The size an image of `size` is shown at to fit in `box`, aspect kept, never enlarged. */
export function fitInto(size: Size, box: Size): Size {
  const factor = Math.min(1, box.width / size.width, box.height / size.height);
  return { width: Math.max(1, Math.round(size.width * factor)), height: Math.max(1, Math.round(size.height * factor)) };
}

/** The stored values of a frame's samples (sign-extended, masked to Bits Stored), in stored order. */
export function storedValues(module: PixelModule, frame: Uint8Array): Int32Array {
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation } = module;
  const count = rows * columns * samplesPerPixel;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new NotRenderable(`${bitsAllocated} bits allocated`);
  const bytes = count * (bitsAllocated / 8);
  if (frame.length < bytes) throw new NotRenderable(`a frame of ${frame.length} bytes, ${bytes} expected`);
  const values = new Int32Array(count);
  const mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
  const sign = 1 << (bitsStored - 1);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let i = 0; i < count; i++) {
    let raw: number;
    if (bitsAllocated === 16) raw = view.getUint16(i * 2, !module.bigEndian);
    else raw = frame[module.bigEndian && module.ow ? i ^ 1 : i]!;
    raw &= mask;
    values[i] = pixelRepresentation === 1 && raw & sign ? raw - (sign << 1) : raw;
  }
  return values;
}

/** The VOI output (0–255) of a modality value under a window (PS3.3 C.11.2.1.2). */
export function voi(value: number, window: VoiWindow): number {
  const { center: c, width: w } = window;
  let y: number;
  if (window.function === 'sigmoid') y = 1 / (1 + Math.exp((-4 * (value - c)) / w));
  else if (window.function === 'linear-exact') y = (value - c) / w + 0.5;
  else if (w <= 1) y = value <= c - 0.5 ? 0 : 1;
  else y = (value - (c - 0.5)) / (w - 1) + 0.5;
  return Math.round(255 * Math.min(1, Math.max(0, y)));
}

/** A frame as an 8-bit image at its own size. */
export function renderFrame(module: PixelModule, frame: Uint8Array, window?: VoiWindow): Image {
  const { rows: height, columns: width } = module;
  const photometric = module.photometricInterpretation.trim().toUpperCase();
  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    if (module.samplesPerPixel !== 1) throw new NotRenderable(`${photometric} with ${module.samplesPerPixel} samples per pixel`);
    const stored = storedValues(module, frame);
    const slope = module.rescaleSlope || 1;
    const values = new Float64Array(stored.length);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < stored.length; i++) {
      const v = stored[i]! * slope + module.rescaleIntercept;
      values[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const chosen: VoiWindow =
      window ??
      (module.windowCenter !== undefined && module.windowWidth !== undefined && module.windowWidth > 0
        ? { center: module.windowCenter, width: module.windowWidth, function: 'linear' }
        : { center: (min + max) / 2, width: Math.max(max - min, 1), function: 'linear-exact' });
    const invert = photometric === 'MONOCHROME1';
    const data = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const out = voi(values[i]!, chosen);
      data[i] = invert ? 255 - out : out;
    }
    return { width, height, channels: 1, data };
  }
  if (photometric === 'RGB' || photometric === 'YBR_FULL') {
    if (module.samplesPerPixel !== 3 || module.bitsAllocated !== 8) throw new NotRenderable(`${photometric} with ${module.samplesPerPixel} samples of ${module.bitsAllocated} bits`);
    const stored = storedValues(module, frame);
    const pixels = width * height;
    const data = new Uint8Array(pixels * 3);
    // Sample c of pixel i, in either planar configuration.
    const at = module.planarConfiguration === 1 ? (i: number, c: number) => stored[c * pixels + i]! : (i: number, c: number) => stored[i * 3 + c]!;
    for (let i = 0; i < pixels; i++) {
      if (photometric === 'RGB') {
        data[i * 3] = at(i, 0);
        data[i * 3 + 1] = at(i, 1);
        data[i * 3 + 2] = at(i, 2);
      } else {
        const [y, cb, cr] = [at(i, 0), at(i, 1) - 128, at(i, 2) - 128];
        data[i * 3] = clamp8(y + 1.402 * cr);
        data[i * 3 + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
        data[i * 3 + 2] = clamp8(y + 1.772 * cb);
      }
    }
    return { width, height, channels: 3, data };
  }
  throw new NotRenderable(`photometric interpretation ${photometric}`);
}

function clamp8(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}

/** The image at `size`, each output pixel the mean of the input pixels it covers (or the nearest one when enlarged). */
export function scaleImage(image: Image, size: Size): Image {
  if (size.width === image.width && size.height === image.height) return image;
  const { channels } = image;
  const data = new Uint8Array(size.width * size.height * channels);
  const fx = image.width / size.width;
  const fy = image.height / size.height;
  for (let y = 0; y < size.height; y++) {
    const y0 = Math.floor(y * fy);
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.floor((y + 1) * fy)));
    for (let x = 0; x < size.width; x++) {
      const x0 = Math.floor(x * fx);
      const x1 = Math.max(x0 + 1, Math.min(image.width, Math.floor((x + 1) * fx)));
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += image.data[(sy * image.width + sx) * channels + c]!;
        data[(y * size.width + x) * channels + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return { width: size.width, height: size.height, channels, data };
}

/** The image as a PNG file (8-bit grey or RGB). */
export function encodePng(image: Image): Buffer {
  const colorType = image.channels === 1 ? 0 : 2;
  const png = new PNG({ width: image.width, height: image.height, colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
}

export interface RenderOptions {
  window?: VoiWindow | undefined;
  /** The box the image is fitted into (aspect kept). */
  viewport?: Size | undefined;
  /** Without a viewport, the longer side is at most this many pixels. */
  maxSide: number;
}

/** One frame rendered as PNG: the VOI applied, fitted into the viewport (or `maxSide`). */
export function renderPng(module: PixelModule, frame: Uint8Array, options: RenderOptions): { png: Buffer; size: Size } {
  const image = renderFrame(module, frame, options.window);
  const box = options.viewport ?? { width: options.maxSide, height: options.maxSide };
  const size = options.viewport ? fitViewport(image, options.viewport) : fitInto(image, box);
  return { png: encodePng(scaleImage(image, size)), size };
}

/** A viewport is filled as far as the aspect allows (a small image is enlarged to it). */
function fitViewport(size: Size, box: Size): Size {
  const factor = Math.min(box.width / size.width, box.height / size.height);
  return { width: Math.max(1, Math.round(size.width * factor)), height: Math.max(1, Math.round(size.height * factor)) };
}
