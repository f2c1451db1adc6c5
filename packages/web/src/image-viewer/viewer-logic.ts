/**
 * What the image viewer decides without a browser: the window presets a
 * radiologist expects for CT, the order of a series' images, and their
 * Cornerstone image ids (WADO-RS frames). Pure, so that it is tested alone.
 */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export const first = (attributes: DicomJson, tag: string): unknown => attributes[tag]?.Value?.[0];

/** CT window presets (width, centre in HU), as on a reading workstation. */
export const CT_PRESETS = [
  { key: 'lung', width: 1500, center: -600 },
  { key: 'mediastinum', width: 350, center: 40 },
  { key: 'bone', width: 2000, center: 500 },
  { key: 'brain', width: 80, center: 40 },
] as const;
export type PresetKey = (typeof CT_PRESETS)[number]['key'];

/** The VOI range (lower, upper) of a window width and centre. */
export function voiRange(width: number, center: number): { lower: number; upper: number } {
  return { lower: center - width / 2, upper: center + width / 2 };
}

/** The window width and centre of a VOI range, rounded as a screen shows them. */
export function windowOf(range: { lower: number; upper: number }): { width: number; center: number } {
  return { width: Math.round(range.upper - range.lower), center: Math.round((range.upper + range.lower) / 2) };
}

export interface ViewerImage {
  imageId: string;
  sopInstanceUid: string;
  frame: number;
  /** The instance's DICOM JSON, which the image loader reads its pixel module from. */
  metadata: DicomJson;
}

export interface ViewerSeries {
  study: string;
  uid: string;
  number: string;
  description: string;
  modality: string;
  images: ViewerImage[];
}

/** Images in reading order: by instance number, then along the patient axis, then by UID; every frame of a multi-frame instance in turn. */
export function seriesImages(base: string, study: string, series: string, instances: DicomJson[]): ViewerImage[] {
  const position = (i: DicomJson) => Number((i['00200032']?.Value as number[] | undefined)?.[2] ?? 0);
  const ordered = [...instances].sort(
    (a, b) =>
      Number(first(a, '00200013') ?? 0) - Number(first(b, '00200013') ?? 0) ||
      position(a) - position(b) ||
      String(first(a, '00080018')).localeCompare(String(first(b, '00080018'))),
  );
  return ordered.flatMap((metadata) => {
    const sop = String(first(metadata, '00080018'));
    const frames = Math.max(1, Number(first(metadata, '00280008') ?? 1));
    return Array.from({ length: frames }, (_, i) => ({
      imageId: `wadors:${base}/dicomweb/studies/${study}/series/${series}/instances/${sop}/frames/${i + 1}`,
      sopInstanceUid: sop,
      frame: i + 1,
      metadata,
    }));
  });
}

/** Series in the order of their numbers, those without images left out. */
export function orderSeries(series: ViewerSeries[]): ViewerSeries[] {
  return series.filter((s) => s.images.length > 0).sort((a, b) => a.number.localeCompare(b.number, 'ja', { numeric: true }) || a.uid.localeCompare(b.uid));
}

/** The image index after a key press on the stack, or undefined for a key the stack ignores. */
export function stepForKey(key: string, index: number, count: number): number | undefined {
  const clamp = (n: number) => Math.max(0, Math.min(count - 1, n));
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'PageDown':
      return clamp(index + 10);
    case 'PageUp':
      return clamp(index - 10);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
