import type { DataSet } from 'dicom-parser';
import type { PixelModule } from '../render/render.js';

/** The Image Pixel module (PS3.3 C.7.6.3) of a data set parsed by dicom-parser (whole, or up to its pixel data), as stored in this transfer syntax. */
export function pixelModuleOf(dataSet: DataSet, transferSyntaxUid: string): PixelModule {
  const number = (tag: string, fallback: number) => {
    const value = dataSet.floatString(tag, 0);
    return value === undefined || Number.isNaN(value) ? fallback : value;
  };
  const center = dataSet.floatString('x00281050', 0);
  const width = dataSet.floatString('x00281051', 0);
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  return {
    rows: dataSet.uint16('x00280010') ?? 0,
    columns: dataSet.uint16('x00280011') ?? 0,
    samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
    photometricInterpretation: dataSet.string('x00280004') ?? 'MONOCHROME2',
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    pixelRepresentation: dataSet.uint16('x00280103') ?? 0,
    planarConfiguration: dataSet.uint16('x00280006') ?? 0,
    rescaleSlope: number('x00281053', 1),
    rescaleIntercept: number('x00281052', 0),
    windowCenter: center === undefined || Number.isNaN(center) ? undefined : center,
    windowWidth: width === undefined || Number.isNaN(width) ? undefined : width,
    bigEndian: transferSyntaxUid === '1.2.840.10008.1.2.2',
    ow: dataSet.elements.x7fe00010?.vr === 'OW',
  };
}
