/**
 * A study's series as the viewer shows them: QIDO-RS for the series, WADO-RS
 * series metadata (computed at ingest, served compressed) for the instances.
 * The server answers only studies the user may see.
 */
import { api } from '../api.js';
import { type DicomJson, first, orderSeries, seriesImages, type ViewerSeries } from './viewer-logic.js';

export async function loadStudySeries(study: string): Promise<ViewerSeries[]> {
  const list = (await api<DicomJson[]>('GET', `/dicomweb/studies/${encodeURIComponent(study)}/series`)) ?? [];
  const series = await Promise.all(
    list.map(async (s) => {
      const uid = String(first(s, '0020000E'));
      const instances = (await api<DicomJson[]>('GET', `/dicomweb/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(uid)}/metadata`)) ?? [];
      return {
        study,
        uid,
        number: String(first(s, '00200011') ?? ''),
        description: String(first(s, '0008103E') ?? ''),
        modality: String(first(s, '00080060') ?? ''),
        images: seriesImages(window.location.origin, study, uid, instances),
      };
    }),
  );
  return orderSeries(series);
}
