/**
 * The image viewer in a real browser (Debian's chromium): a radiologist opens
 * the CT attached to a reading request, sees pixels drawn (read back from a
 * screenshot, not only a canvas present), scrolls the stack by key, wheel and
 * slider, windows with the CT presets, inverts, rotates, measures, compares
 * the prior study beside it and marks the image on screen as a キー画像; and
 * every stored transfer syntax is decoded and drawn.
 */
import path from 'node:path';
import { FileBlobStore, wrapPhotograph } from '@renkei/imaging';
import { dcmtk, decodePng, jpegPhotograph, newUid, startStorescp, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, callFromPage, stowFromPage, screenEngines } from './browser-rig.js';

const run = promisify(execFile);

/** The same slice in each compressed transfer syntax Renkei stores as sent, made by dcmtk and gdcm. */
const ENCODINGS = [
  { name: 'jpeg-lossless', tool: 'dcmcjpeg', args: ['+e1'], syntax: '1.2.840.10008.1.2.4.70' },
  { name: 'jpeg-ls', tool: 'dcmcjpls', args: [], syntax: '1.2.840.10008.1.2.4.80' },
  { name: 'jpeg-2000', tool: 'gdcmconv', args: ['--j2k'], syntax: '1.2.840.10008.1.2.4.90' },
  { name: 'rle', tool: 'dcmcrle', args: [], syntax: '1.2.840.10008.1.2.5' },
] as const;

/** Grey levels of a screenshot of the viewport, and how many distinct ones it has. */
async function viewportPixels(page: Page, pane = 0) {
  const png = await decodePng(await page.getByTestId('viewer-viewport').nth(pane).screenshot());
  const levels = new Set<number>();
  for (let y = 0; y < png.height; y += 2) for (let x = 0; x < png.width; x += 2) levels.add(png.grey(x, y));
  // The slice fills the viewport's height: near its top edge, outside the disc, it is air (-1000 HU).
  return { png, distinct: levels.size, air: png.grey(Math.floor(png.width / 2), Math.floor(png.height * 0.05)) };
}

describe.each(screenEngines())('the image viewer on %s', (engine) => {
  let rig: BrowserRig;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  beforeAll(async () => {
    folder = await workFolder();
    rig = await BrowserRig.open(engine, () => ({ imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) }));
  });
  afterAll(async () => {
    await rig?.close();
    await folder?.remove();
  });

  // Uncaught errors in the page (a viewport torn down in the wrong order, say) fail the test.
  const pageErrors: string[] = [];
  const userOf = (id: string) => rig.network.credentials.users.find((u) => u.id === id)!;
  const signedIn = async (id: string): Promise<Page> => {
    const page = await rig.signedIn(id, { viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  };
  const call = callFromPage;
  const stow = async (page: Page, files: Buffer[]) => {
    const boundary = `renkei-${newUid()}`;
    expect(await stowFromPage(page, stowBody(boundary, files), boundary)).toBe(200);
  };
  const readingRequest = async (sender: Page, studies: string[]) => {
    const response = await call(sender, 'POST', '/api/exchanges', {
      kind: 'reading',
      to: { facility: userOf('demo-doctor').facility!, userId: 'demo-doctor' },
      patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-000123' },
      consent: { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' },
      subject: '胸部CT 読影のお願い',
      body: '前回との比較をお願いします。',
      studies,
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const slice = (study: string, series: string, n: number, extra: Partial<Parameters<typeof syntheticSlice>[0]> = {}) =>
    syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: n, seriesNumber: 2, rows: 128, columns: 128, patientId: 'C-000123', patientName: 'Nio^Haruko', birthDate: '19480309', studyDate: '20261201', ...extra });
  const rendered = (page: Page, pane = 0) => expect.poll(async () => Number(await page.getByTestId('viewer-viewport').nth(pane).getAttribute('data-rendered')), { timeout: 20_000 }).toBeGreaterThan(0);

  /** A 20-slice CT and a 5-slice prior of the same patient, sent for reading to demo-doctor, who accepts it and opens the CT. */
  const openAttachedCt = async () => {
    const sender = await signedIn('demo-clinic-doctor');
    const [study, series, prior, priorSeries] = [newUid(), newUid(), newUid(), newUid()];
    await stow(sender, Array.from({ length: 20 }, (_, i) => slice(study, series, i + 1)));
    await stow(sender, Array.from({ length: 5 }, (_, i) => slice(prior, priorSeries, i + 1, { studyDate: '20250601', seed: 40 + i })));
    const id = await readingRequest(sender, [study, prior]);
    const radiologist = await signedIn('demo-doctor');
    await radiologist.goto(`${rig.server.url}/exchanges/${id}`);
    await radiologist.getByTestId('exchange-accept').click();
    await radiologist.getByTestId('open-images').first().click();
    await radiologist.waitForURL(`**/images/studies/${study}?exchange=${id}`);
    await rendered(radiologist);
    await expect.poll(() => radiologist.getByTestId('viewer-series-item').count()).toBe(1);
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 1 / 20');
    return { radiologist, id, study, prior };
  };

  it('draws the attached CT, scrolls it by key, wheel and slider, windows with the presets, inverts, rotates and measures', async () => {
    const { radiologist } = await openAttachedCt();

    // Pixels are drawn: the disc of the synthetic slice on black, many grey levels
    // (a frame after the first render event: a resize of the pane may clear the canvas once more).
    await expect.poll(async () => (await viewportPixels(radiologist)).distinct, { timeout: 10_000 }).toBeGreaterThan(8);

    // The stack: keys, the wheel, the slider.
    const viewport = radiologist.getByTestId('viewer-viewport').first();
    await viewport.focus();
    await radiologist.keyboard.press('ArrowDown');
    await radiologist.keyboard.press('ArrowDown');
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 3 / 20');
    await radiologist.keyboard.press('End');
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 20 / 20');
    await radiologist.keyboard.press('Home');
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 1 / 20');
    const box = (await viewport.boundingBox())!;
    await radiologist.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await radiologist.mouse.wheel(0, 120);
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).not.toBe('画像 1 / 20');
    await radiologist.getByTestId('viewer-slider').getByRole('slider').focus();
    await radiologist.keyboard.press('End');
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 20 / 20');

    // The 肺野 preset sets the window the readout shows, and the picture changes with it.
    const before = await viewportPixels(radiologist);
    await radiologist.getByTestId('preset-lung').click();
    await expect.poll(() => radiologist.getByTestId('viewer-window').textContent()).toBe('WW 1500 / WL -600');
    await expect.poll(async () => (await viewportPixels(radiologist)).png.data.equals(before.png.data), { timeout: 10_000 }).toBe(false);
    await radiologist.getByTestId('preset-mediastinum').click();
    await expect.poll(() => radiologist.getByTestId('viewer-window').textContent()).toBe('WW 350 / WL 40');

    // Invert turns the black background white; rotate and reset.
    await expect.poll(async () => (await viewportPixels(radiologist)).air).toBeLessThan(30);
    await radiologist.getByTestId('viewer-invert').click();
    await expect.poll(async () => (await viewportPixels(radiologist)).air).toBeGreaterThan(200);
    await radiologist.getByTestId('viewer-rotate').click();
    await expect.poll(() => radiologist.getByTestId('image-viewer').getAttribute('data-rotation')).toBe('90');
    await radiologist.getByTestId('viewer-reset').click();
    await expect.poll(async () => (await viewportPixels(radiologist)).air).toBeLessThan(30);

    // A length measured across the disc is labelled in mm (the slices carry their pixel spacing).
    await radiologist.getByText('距離', { exact: true }).click();
    await radiologist.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await radiologist.mouse.down();
    await radiologist.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await radiologist.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
    await radiologist.mouse.up();
    await expect.poll(() => radiologist.getByTestId('viewer-pane-pane-0').locator('svg').textContent()).toMatch(/\d+(\.\d+)? mm/);

    expect(pageErrors).toEqual([]);
  });

  it('compares the prior study beside the CT and marks the image on screen as a key image, while reporting and after the final report', async () => {
    const { radiologist, prior } = await openAttachedCt();
    const viewport = radiologist.getByTestId('viewer-viewport').first();
    await viewport.focus();
    await radiologist.keyboard.press('End');
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 20 / 20');

    // The prior study beside this one.
    await radiologist.getByTestId('viewer-compare').click();
    await radiologist.getByRole('option', { name: prior }).click();
    await rendered(radiologist, 1);
    await expect.poll(() => radiologist.getByTestId('viewer-position').nth(1).textContent()).toBe('画像 1 / 5');
    await expect.poll(async () => (await viewportPixels(radiologist, 1)).distinct, { timeout: 10_000 }).toBeGreaterThan(8);

    // The image on screen (the 20th of the current study) becomes a key image, listed on the item.
    await viewport.click({ position: { x: 5, y: 5 } });
    await radiologist.getByTestId('viewer-mark-key-image').click();
    await expect.poll(() => radiologist.getByTestId('viewer-mark-key-image').textContent()).toBe('キー画像に指定済み');
    await radiologist.getByTestId('viewer-back').click();
    await expect.poll(() => radiologist.getByTestId('key-image-list').textContent()).toContain('20');

    // After the final report the reader may still mark images, for an addendum.
    await radiologist.getByTestId('findings').fill('右上葉の結節は前回と比べ増大。');
    await radiologist.getByTestId('impression').fill('増大傾向。');
    await radiologist.getByTestId('exchange-report').click();
    await expect.poll(() => radiologist.getByTestId('exchange-status').textContent()).toBe('報告済');
    await radiologist.getByTestId('open-images').first().click();
    await rendered(radiologist);
    await expect.poll(() => radiologist.getByTestId('viewer-position').textContent()).toBe('画像 1 / 20');
    await radiologist.getByTestId('viewer-mark-key-image').click();
    await expect.poll(() => radiologist.getByTestId('viewer-mark-key-image').textContent()).toBe('キー画像に指定済み');
    await radiologist.getByTestId('viewer-back').click();
    await expect.poll(() => radiologist.getByTestId('key-image-list').locator('tbody tr').count()).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it('decodes every stored transfer syntax: the lossless ones draw exactly as the native slice, and a JPEG photograph draws in colour', async () => {
    const sender = await signedIn('demo-clinic-doctor');
    const study = newUid();
    const native = slice(study, newUid(), 1, { seed: 7, seriesNumber: 1 });
    const nativeFile = folder.file(`native-${study}.dcm`);
    await writeFile(nativeFile, native);
    const encoded: Buffer[] = [];
    const sops: string[] = [];
    for (const [i, encoding] of ENCODINGS.entries()) {
      // Its own series (and instance), the pixels the same.
      const source = folder.file(`${encoding.name}-${study}-in.dcm`);
      const target = folder.file(`${encoding.name}-${study}.dcm`);
      sops.push(newUid());
      await writeFile(source, slice(study, newUid(), 1, { seed: 7, seriesNumber: 10 + i, sopInstanceUid: sops[i]! }));
      if (encoding.tool === 'gdcmconv') await run('gdcmconv', [...encoding.args, source, target]);
      else await dcmtk(encoding.tool, [...encoding.args, source, target]);
      expect(await dcmtk('dcmdump', ['-Un', '--search', '0002,0010', target])).toContain(encoding.syntax);
      encoded.push(await readFile(target));
    }
    const photoSop = newUid();
    const photo = wrapPhotograph(await jpegPhotograph(160, 120), { studyUid: study, seriesUid: newUid(), sopInstanceUid: photoSop, patient: { patientId: 'C-000123', name: '仁尾 春子', birthDate: '19480309', sex: 'F' }, seriesDescription: '写真' });
    await stow(sender, [native, ...encoded, photo]);
    const id = await readingRequest(sender, [study]);

    const radiologist = await signedIn('demo-doctor');
    await radiologist.goto(`${rig.server.url}/images/studies/${study}?exchange=${id}`);
    const items = radiologist.getByTestId('viewer-series-item');
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(ENCODINGS.length + 2);
    await rendered(radiologist);
    const reference = await viewportPixels(radiologist);
    expect(reference.distinct).toBeGreaterThan(8);
    for (const [i, encoding] of ENCODINGS.entries()) {
      await items.nth(i + 1).click();
      await expect.poll(() => radiologist.getByTestId('viewer-viewport').getAttribute('data-image-id'), { message: encoding.name, timeout: 20_000 }).toContain(`/instances/${sops[i]}/frames/1`);
      await expect.poll(async () => (await viewportPixels(radiologist)).png.data.equals(reference.png.data), { message: encoding.name, timeout: 10_000 }).toBe(true);
    }
    await items.nth(ENCODINGS.length + 1).click();
    await expect.poll(() => radiologist.getByTestId('viewer-viewport').getAttribute('data-image-id'), { timeout: 20_000 }).toContain(`/instances/${photoSop}/frames/1`);
    await expect.poll(async () => {
      const png = await decodePng(await radiologist.getByTestId('viewer-viewport').screenshot());
      // The 4:3 picture fills the height: a quarter in from its left and up from its foot it is red 64, green 191, blue 128.
      const [r, g, b] = png.rgb(Math.floor(png.width / 2 - png.height / 3), Math.floor(png.height * 0.75));
      return Math.max(Math.abs(r - g), Math.abs(g - b), Math.abs(r - b));
    }).toBeGreaterThan(20);
    expect(await radiologist.getByTestId('viewer-image-error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('downloads the study as a ZIP with a DICOMDIR behind a progress bar, taking up a broken download again, and sends it to the facility\'s PACS', async () => {
    const sender = await signedIn('demo-clinic-doctor');
    const [study, series] = [newUid(), newUid()];
    await stow(sender, Array.from({ length: 6 }, (_, i) => slice(study, series, i + 1)));
    const id = await readingRequest(sender, [study]);
    const pacsDir = folder.file(`pacs-${study}`);
    await mkdir(pacsDir);
    const pacs = await startStorescp('HOSP_PACS', pacsDir);
    try {
      const admin = await rig.signedIn('demo-facility-admin', { ready: 'nav-admin' });
      expect((await call(admin, 'POST', '/api/admin/dicom-peers', { facilityCode: userOf('demo-doctor').facility!, aeTitle: 'HOSP_PACS', exportTo: { host: '127.0.0.1', port: pacs.port } })).status).toBe(201);

      const radiologist = await rig.signedIn('demo-doctor', { acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
      radiologist.on('pageerror', (e) => pageErrors.push(e.message));
      // The first answer is cut off by the line: the download is taken up again by itself.
      let cut = false;
      await radiologist.route('**/download', async (route) => {
        if (cut) return route.continue();
        cut = true;
        await route.abort('connectionreset');
      });
      await radiologist.goto(`${rig.server.url}/images/studies/${study}?exchange=${id}`);
      await rendered(radiologist);
      const [download] = await Promise.all([radiologist.waitForEvent('download'), radiologist.getByTestId('study-download-button').click()]);
      expect(cut).toBe(true);
      const zip = await readFile((await download.path())!);
      expect(download.suggestedFilename()).toMatch(/\.zip$/);
      expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
      const progress = radiologist.getByTestId('study-download-progress');
      expect(Number(await progress.getAttribute('data-received'))).toBe(zip.length);
      expect(Number(await progress.getAttribute('data-total'))).toBe(zip.length);
      const zipFile = folder.file(`${study}.zip`);
      await writeFile(zipFile, zip);
      const listing = (await run('unzip', ['-l', zipFile])).stdout;
      expect(listing).toContain('DICOMDIR');
      expect(listing.split('\n').filter((line) => /DICOM\/\S+\/\S+/.test(line))).toHaveLength(6);

      // Sent to the hospital's own PACS: all six arrive.
      await radiologist.getByTestId('study-export-peer').click();
      await radiologist.getByRole('option', { name: 'HOSP_PACS' }).click();
      await radiologist.getByTestId('study-export-button').click();
      await expect.poll(() => radiologist.getByTestId('study-export-result').textContent(), { timeout: 20_000 }).toBe('HOSP_PACS へ 6 件送信しました（失敗 0 件）');
      expect((await readdir(pacsDir)).filter((n) => n.startsWith('CT.'))).toHaveLength(6);
      expect(pageErrors).toEqual([]);
    } finally {
      await pacs.stop();
    }
  });

  it('works on a tablet: laid out without sideways scrolling, the stack moved by tapping the slider, a preset by a tap', async () => {
    const sender = await signedIn('demo-clinic-doctor');
    const [study, series] = [newUid(), newUid()];
    await stow(sender, Array.from({ length: 10 }, (_, i) => slice(study, series, i + 1)));
    const id = await readingRequest(sender, [study]);
    // An iPad held sideways.
    const tablet = await rig.signedIn('demo-doctor', { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    tablet.on('pageerror', (e) => pageErrors.push(e.message));
    await tablet.goto(`${rig.server.url}/images/studies/${study}?exchange=${id}`);
    await rendered(tablet);
    expect(await tablet.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await tablet.getByTestId('viewer-viewport').boundingBox())!.width).toBeGreaterThan(600);
    const slider = (await tablet.getByTestId('viewer-slider').boundingBox())!;
    await tablet.touchscreen.tap(slider.x + slider.width - 2, slider.y + slider.height / 2);
    await expect.poll(() => tablet.getByTestId('viewer-position').textContent()).toBe('画像 10 / 10');
    // The slider keeps its place once every slice has loaded, so that a second tap lands where the first did.
    await expect.poll(async () => Number(await tablet.getByTestId('viewer-viewport').getAttribute('data-loaded')), { timeout: 20_000 }).toBe(10);
    expect((await tablet.getByTestId('viewer-slider').boundingBox())!.width).toBe(slider.width);
    await tablet.getByTestId('preset-bone').tap();
    await expect.poll(() => tablet.getByTestId('viewer-window').textContent()).toBe('WW 2000 / WL 500');
    await expect.poll(async () => (await viewportPixels(tablet)).distinct, { timeout: 10_000 }).toBeGreaterThan(2);
    expect(pageErrors).toEqual([]);
  });
});
