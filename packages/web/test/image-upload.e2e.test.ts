/**
 * The uploader of the compose screen in a real browser (Debian's chromium
 * through Playwright, with the hospital terminal's certificate): a folder
 * with a good file, a duplicate, a broken one and a stray text file, each
 * with its result; a photograph of the patient entered; a PDF attached; and
 * the uploaded studies sent with a new reading request.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileBlobStore, ImageArchive } from '@renkei/imaging';
import { jpegPhotograph, newUid, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the image uploader on %s', (engine) => {
  let rig: BrowserRig;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let blobs: FileBlobStore;
  beforeAll(async () => {
    folder = await workFolder();
    blobs = new FileBlobStore(path.join(folder.dir, 'images'));
    rig = await BrowserRig.open(engine, () => ({ imageBlobs: blobs, uploadDir: path.join(folder.dir, 'uploads') }));
  });
  afterAll(async () => {
    await rig?.close();
    await folder?.remove();
  });

  const userOf = (id: string) => rig.network.credentials.users.find((u) => u.id === id)!;
  const row = (page: Page, file: string) => page.locator(`[data-testid="upload-row"][data-file$="${file}"]`);
  const stateOf = (page: Page, file: string) => row(page, file).getAttribute('data-state');

  it('uploads a folder and a photograph with each file\'s result, and sends the studies with a new reading request', async () => {
    const hospital = userOf('demo-doctor').facility!;
    const clinic = userOf('demo-clinic-doctor').facility!;
    const study = newUid();
    const series = newUid();
    const slice = (n: number) => syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: n, patientId: 'H-000777', patientName: 'Sakaide^Ichiro', studyDescription: 'CT 胸部' });
    const [good, duplicate, broken] = [slice(1), slice(2), slice(3)];
    // The duplicate was stored before (by the hospital's PACS, say).
    await new ImageArchive(rig.network.stores, rig.network.keys, blobs).store(duplicate, { facilityCode: hospital, via: 'stow', actor: { actor: 'dicom:PACS', actorKind: 'process', role: null, facility: hospital, terminal: null } });
    const cd = folder.file('cd');
    await mkdir(cd);
    await writeFile(path.join(cd, 'good.dcm'), good);
    await writeFile(path.join(cd, 'duplicate.dcm'), duplicate);
    await writeFile(path.join(cd, 'broken.dcm'), broken.subarray(0, broken.length - 900));
    await writeFile(path.join(cd, 'readme.txt'), 'viewer program notes');
    const photo = folder.file('内視鏡.jpg');
    await writeFile(photo, await jpegPhotograph(96, 64));
    const letter = folder.file('紹介状.pdf');
    await writeFile(letter, '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

    const context = await rig.terminalContext({ forRole: 'demo-doctor', viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await rig.login(page, 'demo-doctor', userOf('demo-doctor').password);
    await page.getByTestId('nav-exchanges').click();
    await page.getByTestId('exchange-compose').click();
    await page.getByTestId('to-facility').fill(clinic);
    await page.getByLabel('氏名').fill('坂出 一郎');
    await page.getByLabel('フリガナ').fill('サカイデ イチロウ');
    await page.getByLabel('生年月日').fill('1950-06-01');
    await page.getByLabel('自院の患者ID').fill('H-000777');
    await page.getByLabel('件名').fill('胸部CTと内視鏡写真の読影のお願い');

    await page.getByTestId('upload-folder').setInputFiles(cd);
    await expect.poll(() => stateOf(page, 'good.dcm'), { timeout: 20_000 }).toBe('stored');
    await expect.poll(() => stateOf(page, 'duplicate.dcm')).toBe('unchanged');
    await expect.poll(() => stateOf(page, 'broken.dcm')).toBe('refused');
    expect(await stateOf(page, 'readme.txt')).toBe('skipped');
    expect(await row(page, 'duplicate.dcm').textContent()).toContain('登録済み（重複）');
    expect(await row(page, 'broken.dcm').textContent()).toContain('ファイルが途中で切れています');
    expect(await row(page, 'readme.txt').textContent()).toContain('DICOM ファイルでも JPEG・PNG の写真でもありません');

    await page.getByTestId('upload-files').setInputFiles(photo);
    await expect.poll(() => stateOf(page, '内視鏡.jpg'), { timeout: 20_000 }).toBe('stored');
    await expect.poll(() => page.getByTestId('upload-summary').textContent()).toContain('5 件 完了（保存 2・重複 1・拒否 1・スキップ 1）');
    // The CT study and the photographs' new study are both ticked, and listed among the facility's studies.
    await expect.poll(() => page.getByTestId('studies-selected').textContent()).toContain('2 件');
    await expect.poll(() => page.locator(`[data-testid="study-row"][data-study="${study}"]`).textContent()).toContain('CT 胸部');

    await page.getByTestId('attach-files').setInputFiles(letter);
    await expect.poll(() => page.getByTestId('attachment-row').count()).toBe(1);
    await page.getByTestId('exchange-send').click();
    await expect.poll(() => page.getByTestId('exchange-status').textContent(), { timeout: 15_000 }).toBe('未開封');
    const id = page.url().split('/').pop()!;

    const { rows } = await rig.network.stores.clinical.query<{ studies: string[] }>('SELECT studies FROM exchange_items WHERE id = $1', [id]);
    const sent = rows[0]!.studies;
    expect(sent).toContain(study);
    expect(sent).toHaveLength(2);
    const photoStudy = sent.find((uid) => uid !== study)!;
    const photos = await rig.network.stores.clinical.query<{ sop_class_uid: string; transfer_syntax_uid: string }>('SELECT sop_class_uid, transfer_syntax_uid FROM imaging_instances WHERE study_uid = $1', [photoStudy]);
    expect(photos.rows).toEqual([{ sop_class_uid: '1.2.840.10008.5.1.4.1.1.7', transfer_syntax_uid: '1.2.840.10008.1.2.4.50' }]);
    const attached = await rig.network.stores.clinical.query<{ name: string; media_type: string }>('SELECT name, media_type FROM exchange_attachments WHERE item_id = $1', [id]);
    expect(attached.rows).toEqual([{ name: '紹介状.pdf', media_type: 'application/pdf' }]);
    await context.close();
  });
});
