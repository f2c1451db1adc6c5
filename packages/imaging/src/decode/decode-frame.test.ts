import dicomParser from 'dicom-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpegPhotograph, newUid, pngPhotograph, rgbSecondaryCapture, syntheticSlice, transcoded } from '../testing.js';
import { wrapPhotograph } from '../parse/photograph.js';
import { NotRenderable, renderFrame, storedValues, type Image } from '../render/render.js';
import { decodeFrame, jpegFrameHeader } from './decode-frame.js';
import { pixelModuleOf } from './pixel-module.js';

/** A file's transfer syntax, pixel module and first frame as stored (its fragments joined). */
function firstFrame(file: Buffer) {
  const dataSet = dicomParser.parseDicom(file);
  const transferSyntaxUid = dataSet.string('x00020010')!.trim();
  const pixels = dataSet.elements.x7fe00010!;
  const bytes = pixels.encapsulatedPixelData
    ? dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, 0, pixels.fragments!.length)
    : dataSet.byteArray.subarray(pixels.dataOffset, pixels.dataOffset + pixels.length);
  return { transferSyntaxUid, module: pixelModuleOf(dataSet, transferSyntaxUid), bytes };
}

async function decoded(file: Buffer) {
  const { transferSyntaxUid, module, bytes } = firstFrame(file);
  return { transferSyntaxUid, ...(await decodeFrame(transferSyntaxUid, bytes, module)) };
}

async function rendered(file: Buffer): Promise<Image> {
  const { module, pixels } = await decoded(file);
  return renderFrame(module, pixels);
}

function meanAbsoluteDifference(a: Image, b: Image): number {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

describe('decoding a compressed frame', () => {
  // A 16-bit signed CT slice (−1000 outside the body, 40–99 inside), and a 40×30 RGB picture.
  const ct = syntheticSlice({ studyUid: newUid(), seriesUid: newUid(), rows: 48, columns: 64 });
  let rgb: Buffer;
  beforeAll(async () => {
    rgb = await rgbSecondaryCapture(40, 30);
  });

  it.each([
    ['JPEG lossless, first-order prediction (dcmcjpeg)', 'dcmcjpeg', [], '1.2.840.10008.1.2.4.70'],
    ['JPEG lossless (dcmcjpeg +el)', 'dcmcjpeg', ['+el'], '1.2.840.10008.1.2.4.57'],
    ['JPEG-LS lossless (gdcmconv)', 'gdcmconv', ['--jpegls'], '1.2.840.10008.1.2.4.80'],
    ['JPEG-LS lossless (dcmcjpls)', 'dcmcjpls', [], '1.2.840.10008.1.2.4.80'],
    ['JPEG 2000 lossless (gdcmconv)', 'gdcmconv', ['--j2k'], '1.2.840.10008.1.2.4.90'],
    ['RLE (dcmcrle)', 'dcmcrle', [], '1.2.840.10008.1.2.5'],
    ['RLE (gdcmconv)', 'gdcmconv', ['--rle'], '1.2.840.10008.1.2.5'],
  ] as const)('gives the signed 16-bit values of the CT slice exactly from %s', async (_name, tool, args, syntax) => {
    const native = firstFrame(ct);
    const file = await transcoded(ct, tool, [...args]);
    const frame = await decoded(file);
    expect(frame.transferSyntaxUid).toBe(syntax);
    expect(Array.from(storedValues(frame.module, frame.pixels))).toEqual(Array.from(storedValues(native.module, native.bytes)));
    expect(Array.from(renderFrame(frame.module, frame.pixels).data)).toEqual(Array.from(renderFrame(native.module, native.bytes).data));
  });

  it.each([
    ['JPEG lossless (dcmcjpeg)', 'dcmcjpeg', [], '1.2.840.10008.1.2.4.70'],
    ['JPEG-LS lossless (gdcmconv)', 'gdcmconv', ['--jpegls'], '1.2.840.10008.1.2.4.80'],
    ['JPEG-LS lossless (dcmcjpls)', 'dcmcjpls', [], '1.2.840.10008.1.2.4.80'],
    ['JPEG 2000 lossless (gdcmconv)', 'gdcmconv', ['--j2k'], '1.2.840.10008.1.2.4.90'],
    ['RLE (dcmcrle)', 'dcmcrle', [], '1.2.840.10008.1.2.5'],
    // GDCM writes RLE colour with Planar Configuration 1; the decoded samples come out interleaved all the same.
    ['RLE (gdcmconv)', 'gdcmconv', ['--rle'], '1.2.840.10008.1.2.5'],
  ] as const)('gives the RGB picture exactly from %s', async (_name, tool, args, syntax) => {
    const file = await transcoded(rgb, tool, [...args]);
    const frame = await decoded(file);
    expect(frame.transferSyntaxUid).toBe(syntax);
    const image = renderFrame(frame.module, frame.pixels);
    expect(image.channels).toBe(3);
    expect(Buffer.compare(Buffer.from(image.data), Buffer.from(await rendered(rgb).then((i) => i.data)))).toBe(0);
  });

  it.each([
    ['JPEG-LS near-lossless (gdcmconv --lossy)', 'gdcmconv', ['--jpegls', '--lossy'], '1.2.840.10008.1.2.4.81'],
    ['JPEG 2000 irreversible (gdcmconv --lossy)', 'gdcmconv', ['--j2k', '--lossy'], '1.2.840.10008.1.2.4.91'],
  ] as const)('renders the CT slice close to the native one from %s', async (_name, tool, args, syntax) => {
    const file = await transcoded(ct, tool, [...args]);
    const frame = await decoded(file);
    expect(frame.transferSyntaxUid).toBe(syntax);
    expect(meanAbsoluteDifference(renderFrame(frame.module, frame.pixels), await rendered(ct))).toBeLessThan(3);
  });

  it('decodes a baseline JPEG of the CT slice (rescaled to 8 bits by dcmcjpeg) as dcmdjpeg does, close to the native slice', async () => {
    const file = await transcoded(ct, 'dcmcjpeg', ['+eb']);
    const frame = await decoded(file);
    expect([frame.transferSyntaxUid, frame.module.bitsAllocated]).toEqual(['1.2.840.10008.1.2.4.50', 8]);
    const image = renderFrame(frame.module, frame.pixels);
    expect(meanAbsoluteDifference(image, await rendered(await transcoded(file, 'dcmdjpeg')))).toBeLessThan(0.5);
    // 8 bits over −1000…1047 HU are steps of 8 HU, 5 grey levels in the window 40/400: close, not equal.
    expect(meanAbsoluteDifference(image, await rendered(ct))).toBeLessThan(8);
  });

  it('turns the YBR_FULL_422 of a baseline JPEG (8-bit extended too) into RGB close to the original picture', async () => {
    for (const [args, syntax] of [[['+eb'], '1.2.840.10008.1.2.4.50'], [['+ee'], '1.2.840.10008.1.2.4.51']] as const) {
      const file = await transcoded(rgb, 'dcmcjpeg', [...args]);
      const stored = firstFrame(file);
      expect([stored.transferSyntaxUid, stored.module.photometricInterpretation.trim(), jpegFrameHeader(stored.bytes)?.precision]).toEqual([syntax, 'YBR_FULL_422', 8]);
      const frame = await decoded(file);
      expect(frame.module.photometricInterpretation).toBe('RGB');
      // dcmdjpeg decodes to RGB as well (with libjpeg's own conversion); read as YCbCr, the picture would be far from both.
      const image = renderFrame(frame.module, frame.pixels);
      expect(meanAbsoluteDifference(image, await rendered(await transcoded(file, 'dcmdjpeg')))).toBeLessThan(0.5);
      expect(meanAbsoluteDifference(image, await rendered(rgb))).toBeLessThan(4);
    }
  });

  it('shows a camera photograph (JFIF, 4:2:0, wrapped as it was sent) as the same picture sent as PNG', async () => {
    const target = () => ({ studyUid: newUid(), seriesUid: newUid(), sopInstanceUid: newUid(), patient: { patientId: 'KARTE-7' } });
    const jpeg = firstFrame(wrapPhotograph(await jpegPhotograph(48, 32), target()));
    expect([jpeg.transferSyntaxUid, jpeg.module.photometricInterpretation.trim()]).toEqual(['1.2.840.10008.1.2.4.50', 'YBR_FULL_422']);
    const frame = await decodeFrame(jpeg.transferSyntaxUid, jpeg.bytes, jpeg.module);
    // The PNG photograph has the same gradient; its top row is half transparent, which a DICOM RGB does not keep.
    expect(meanAbsoluteDifference(renderFrame(frame.module, frame.pixels), await rendered(wrapPhotograph(await pngPhotograph(48, 32), target())))).toBeLessThan(4);
  });

  it('refuses a 12-bit JPEG extended frame, which no decoder on npm reads, and a transfer syntax without a decoder', async () => {
    // dcmcjpeg +ee keeps 12 bits of the 16-bit CT slice: DCT with 12-bit samples.
    const file = await transcoded(ct, 'dcmcjpeg', ['+ee']);
    const stored = firstFrame(file);
    expect([stored.transferSyntaxUid, jpegFrameHeader(stored.bytes)?.precision]).toEqual(['1.2.840.10008.1.2.4.51', 12]);
    await expect(decodeFrame(stored.transferSyntaxUid, stored.bytes, stored.module)).rejects.toThrow(new NotRenderable('JPEG with 12-bit samples (DCT) is not decoded'));
    // High-throughput JPEG 2000 is not among the codecs.
    await expect(decodeFrame('1.2.840.10008.1.2.4.201', stored.bytes, stored.module)).rejects.toThrow(NotRenderable);
  });

  it('refuses a frame that does not decode to the size of the header, or does not decode at all', async () => {
    const { transferSyntaxUid, module, bytes } = firstFrame(await transcoded(ct, 'gdcmconv', ['--j2k']));
    await expect(decodeFrame(transferSyntaxUid, bytes, { ...module, rows: 32 })).rejects.toThrow(/64×48, 64×32 in the header/);
    // A decoder kept from the frame before would answer this with that frame's pixels (OpenJPEG does not throw).
    await expect(decodeFrame(transferSyntaxUid, Buffer.alloc(40), module)).rejects.toThrow(NotRenderable);
    await expect(decodeFrame('1.2.840.10008.1.2.4.80', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), module)).rejects.toThrow(NotRenderable);
  });

  it('decodes a JPEG stream by the process its frame header names, whatever the transfer syntax says', async () => {
    const lossless = firstFrame(await transcoded(ct, 'dcmcjpeg', []));
    expect(jpegFrameHeader(lossless.bytes)).toEqual({ marker: 0xc3, precision: 16, rows: 48, columns: 64, components: 1 });
    // A lossless stream labelled JPEG baseline, as some archives send it.
    const frame = await decodeFrame('1.2.840.10008.1.2.4.50', lossless.bytes, lossless.module);
    expect(Array.from(storedValues(frame.module, frame.pixels))).toEqual(Array.from(storedValues(firstFrame(ct).module, firstFrame(ct).bytes)));
    await expect(decodeFrame('1.2.840.10008.1.2.4.70', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), lossless.module)).rejects.toThrow(new NotRenderable('the JPEG frame has no frame header (SOF)'));
  });

  it('passes native frames through as they are', async () => {
    const { transferSyntaxUid, module, bytes } = firstFrame(ct);
    const frame = await decodeFrame(transferSyntaxUid, bytes, module);
    expect(frame.pixels).toBe(bytes);
    expect(frame.module).toBe(module);
  });
});
