import { describe, expect, it } from 'vitest';
import { CT_PRESETS, orderSeries, seriesImages, stepForKey, voiRange, windowOf, type DicomJson, type ViewerSeries } from './viewer-logic.js';

const instance = (sop: string, number?: number, z?: number, frames?: number): DicomJson => ({
  '00080018': { vr: 'UI', Value: [sop] },
  ...(number === undefined ? {} : { '00200013': { vr: 'IS', Value: [number] } }),
  ...(z === undefined ? {} : { '00200032': { vr: 'DS', Value: [0, 0, z] } }),
  ...(frames === undefined ? {} : { '00280008': { vr: 'IS', Value: [frames] } }),
});

describe('the image viewer logic', () => {
  it('gives the CT presets as a workstation does, and turns a window into a VOI range and back', () => {
    expect(CT_PRESETS.map((p) => [p.key, p.width, p.center])).toEqual([
      ['lung', 1500, -600],
      ['mediastinum', 350, 40],
      ['bone', 2000, 500],
      ['brain', 80, 40],
    ]);
    expect(voiRange(1500, -600)).toEqual({ lower: -1350, upper: 150 });
    expect(windowOf(voiRange(350, 40))).toEqual({ width: 350, center: 40 });
  });

  it('orders a series by instance number, then position, then UID, with a frame id for every frame of a multi-frame instance', () => {
    const images = seriesImages('https://renkei.example', '1.2', '1.2.3', [instance('1.9', 2), instance('1.8', 1, 30), instance('1.7', 1, 10), instance('1.6', 3, undefined, 2)]);
    expect(images.map((i) => `${i.sopInstanceUid}#${i.frame}`)).toEqual(['1.7#1', '1.8#1', '1.9#1', '1.6#1', '1.6#2']);
    expect(images[4]!.imageId).toBe('wadors:https://renkei.example/dicomweb/studies/1.2/series/1.2.3/instances/1.6/frames/2');
  });

  it('orders series by number, numerically, and leaves out those without images', () => {
    const s = (uid: string, number: string, count: number): ViewerSeries => ({ study: '1', uid, number, description: '', modality: 'CT', images: seriesImages('', '1', uid, Array.from({ length: count }, (_, i) => instance(`${uid}.${i}`, i))) });
    expect(orderSeries([s('a', '10', 1), s('b', '2', 1), s('c', '3', 0)]).map((x) => x.uid)).toEqual(['b', 'a']);
  });

  it('steps the stack by keys within its ends, and ignores other keys', () => {
    expect(stepForKey('ArrowDown', 0, 5)).toBe(1);
    expect(stepForKey('ArrowUp', 0, 5)).toBe(0);
    expect(stepForKey('PageDown', 0, 5)).toBe(4);
    expect(stepForKey('End', 1, 5)).toBe(4);
    expect(stepForKey('Home', 3, 5)).toBe(0);
    expect(stepForKey('a', 3, 5)).toBeUndefined();
  });
});
