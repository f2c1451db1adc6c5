/**
 * A whole reading request between two facilities in a real browser (Debian's
 * chromium through Playwright, each profile with its facility's terminal
 * certificate): the clinic's doctor writes it to the hospital's 地域連携室,
 * the liaison assigns it to a radiologist, who reports, and the clinic's
 * doctor reads the report and downloads its PDF, whose SHA-256 the screen shows.
 * Then each refusal the item screens can show, as the user sees it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pdfImages, pdfText } from '@renkei/documents/testing';
import { encryptField } from '@renkei/identity';
import { FileBlobStore } from '@renkei/imaging';
import { newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, callFromPage, stowFromPage, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the exchange screens on %s', (engine) => {
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

  const userOf = (id: string) => rig.network.credentials.users.find((u) => u.id === id)!;
  /** A browser at the user's own facility, logged in, on the exchange list. */
  const signedIn = async (id: string): Promise<Page> => {
    const page = await rig.signedIn(id, { acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    await page.getByTestId('nav-exchanges').click();
    await page.getByTestId('exchange-list').waitFor();
    return page;
  };

  it('carries a reading request from the clinic doctor through the hospital liaison to a radiologist and the report back', async () => {
    const hospital = userOf('demo-doctor').facility!;
    const clinic = await signedIn('demo-clinic-doctor');
    await clinic.getByTestId('exchange-compose').click();
    await clinic.getByTestId('to-facility').fill(hospital);
    await clinic.getByLabel('氏名').fill('仁尾 春子');
    await clinic.getByLabel('フリガナ').fill('ニオ ハルコ');
    await clinic.getByLabel('生年月日').fill('1948-03-09');
    await clinic.getByLabel('自院の患者ID').fill('C-000123');
    await clinic.getByLabel('件名').fill('胸部CT 読影のお願い');
    await clinic.getByLabel('内容（目的・臨床情報・依頼事項）').fill('2週間続く咳嗽。結節影の評価をお願いします。');
    await clinic.getByTestId('exchange-send').click();
    await expect.poll(() => clinic.getByTestId('exchange-status').textContent()).toBe('未開封');
    const itemUrl = clinic.url();
    const id = itemUrl.split('/').pop()!;

    const liaison = await signedIn('demo-liaison');
    const row = liaison.getByTestId('exchange-row').filter({ hasText: '胸部CT 読影のお願い' });
    await expect.poll(() => row.first().textContent()).toContain('未開封');
    await row.first().click();
    await expect.poll(() => liaison.getByTestId('exchange-status').textContent()).toBe('受信済');
    await expect.poll(() => liaison.getByTestId('exchange-patient').textContent()).toContain('仁尾 春子');
    await liaison.getByTestId('assignee').fill('demo-doctor');
    await liaison.getByTestId('exchange-assign').click();
    await expect.poll(() => liaison.getByTestId('exchange-steps').textContent()).toContain('担当割当');

    const radiologist = await signedIn('demo-doctor');
    await radiologist.getByTestId('exchange-row').filter({ hasText: '胸部CT 読影のお願い' }).first().click();
    await radiologist.getByTestId('exchange-accept').click();
    await expect.poll(() => radiologist.getByTestId('exchange-status').textContent()).toBe('受付済');
    await radiologist.getByTestId('findings').fill('右上葉に 8 mm の充実性結節。');
    await radiologist.getByTestId('impression').fill('肺癌の疑い。');
    await radiologist.getByTestId('exchange-report').click();
    await expect.poll(() => radiologist.getByTestId('exchange-status').textContent()).toBe('報告済');

    await clinic.getByTestId('nav-exchanges').click();
    await clinic.getByText('送信箱').click();
    await clinic.getByTestId('exchange-row').filter({ hasText: '報告済' }).first().click();
    await expect.poll(() => clinic.getByTestId('exchange-texts').textContent()).toContain('右上葉に 8 mm の充実性結節。');
    const shown = /SHA-256 ([0-9a-f]{64})/.exec((await clinic.getByTestId('report-sha256').textContent())!)![1]!;
    const [download] = await Promise.all([clinic.waitForEvent('download'), clinic.getByTestId('report-pdf').click()]);
    const pdf = await readFile((await download.path())!);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(shown);
    expect(pdfText(pdf)).toContain('肺癌の疑い');
    expect(download.suggestedFilename()).toBe(`renkei-${id}-report.pdf`);

    // The month's reading statistics count the radiologist's report.
    await radiologist.getByTestId('nav-exchanges').click();
    await radiologist.getByTestId('exchange-stats-link').click();
    await expect.poll(() => radiologist.getByTestId('exchange-stats').textContent()).toContain('香川 太郎（医師）');
  });

  it('refuses to send without consent and shows why; another doctor of the hospital gets the same answer as for an unknown item', async () => {
    const clinic = await signedIn('demo-clinic-doctor');
    // Straight to the API of this browser: the form always carries the consent.
    const refused = await clinic.evaluate(async (facility) => {
      const r = await fetch('/api/exchanges', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'share', to: { facility }, patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-1' }, subject: 's', body: 'b' }) });
      return { status: r.status, body: await r.json() };
    }, userOf('demo-doctor').facility!);
    expect(refused).toEqual({ status: 400, body: { error: { code: 'consent-required', message: expect.stringContaining('同意') } } });

    const dentist = await signedIn('demo-dentist');
    const anyItem = await clinic.evaluate(async () => ((await (await fetch('/api/exchanges?box=outbox')).json()) as { items: Array<{ id: string }> }).items[0]!.id);
    await dentist.goto(`${rig.server.url}/exchanges/${anyItem}`);
    const forbidden = (await dentist.getByTestId('exchange-error').textContent())!;
    await dentist.goto(`${rig.server.url}/exchanges/00000000-0000-4000-8000-000000000000`);
    expect((await dentist.getByTestId('exchange-error').textContent())!).toBe(forbidden);
  });

  /** An API call from the page, as the screens make them. */
  const call = callFromPage;
  const request = (to: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    kind: 'reading',
    to,
    patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-000123' },
    consent: { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' },
    subject: '腹部CT 読影のお願い',
    body: '心窩部痛。',
    ...extra,
  });
  const errorShown = async (page: Page, testId = 'exchange-error') => {
    await page.getByTestId(testId).waitFor();
    return (await page.getByTestId(testId).textContent())!;
  };

  it('shows the item screen\'s refusals: sending without consent, declining without a reason, withdrawing after the report, and a PDF whose record was altered', async () => {
    const hospital = userOf('demo-doctor').facility!;
    const clinic = userOf('demo-clinic-doctor').facility!;
    const radiologist = await signedIn('demo-doctor');
    const sender = await signedIn('demo-clinic-doctor');

    // A draft kept without consent: 送信する is refused until the consent is recorded.
    const draft = (await call(radiologist, 'POST', '/api/exchanges', request({ facility: clinic, userId: 'demo-clinic-doctor' }, { consent: undefined, draft: true }))).body.id as string;
    await radiologist.goto(`${rig.server.url}/exchanges/${draft}`);
    await radiologist.getByRole('button', { name: '送信する' }).click();
    expect(await errorShown(radiologist)).toContain('同意を記録してください');

    // 読影しない needs its reason.
    const id = (await call(sender, 'POST', '/api/exchanges', request({ facility: hospital, userId: 'demo-doctor' }))).body.id as string;
    await radiologist.goto(`${rig.server.url}/exchanges/${id}`);
    await radiologist.getByRole('button', { name: '読影しない' }).click();
    expect(await errorShown(radiologist)).toContain('読影しない理由');

    // The sender's screen still offers 取り下げる; the report arrives meanwhile, and the screen says why it cannot be done.
    await sender.goto(`${rig.server.url}/exchanges/${id}`);
    await sender.getByRole('button', { name: '取り下げる' }).waitFor();
    expect((await call(radiologist, 'POST', `/api/exchanges/${id}/report`, { findings: '胆嚢結石。', impression: '胆石症。' })).status).toBe(200);
    expect((await call(radiologist, 'POST', `/api/exchanges/${id}/addenda`, { text: '訂正：結石は 2 個です。' })).status).toBe(201);
    await sender.getByRole('button', { name: '取り下げる' }).click();
    expect(await errorShown(sender)).toContain('現在の状態では');

    // The addendum's PDF downloads with the SHA-256 shown; once the stored record is altered, the screen refuses it.
    await sender.reload();
    const shown = /SHA-256 ([0-9a-f]{64})/.exec((await sender.getByTestId('addendum-sha256-1').textContent())!)![1]!;
    const [download] = await Promise.all([sender.waitForEvent('download'), sender.getByTestId('addendum-pdf-1').click()]);
    const pdf = await readFile((await download.path())!);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(shown);
    expect(pdfText(pdf)).toContain('訂正：結石は 2 個です。');
    await rig.network.stores.identity.query('UPDATE exchange_patients SET name_enc = $2 WHERE item_id = $1', [id, encryptField(rig.network.keys.encryption, '別人 太郎')]);
    await sender.getByTestId('addendum-pdf-1').click();
    expect(await errorShown(sender, 'addendum-pdf-1-error')).toContain('署名時と一致しない');
    await sender.getByTestId('report-pdf').click();
    expect(await errorShown(sender, 'report-pdf-error')).toContain('署名時と一致しない');
  });

  it('lets the radiologist mark key images of the attached study beside the report form; the sender sees them listed and in the report PDF', async () => {
    const hospital = userOf('demo-doctor').facility!;
    const sender = await signedIn('demo-clinic-doctor');
    const radiologist = await signedIn('demo-doctor');
    const study = newUid();
    const series = newUid();
    const slices = [1, 2, 3].map((n) => syntheticSlice({ studyUid: study, seriesUid: series, instanceNumber: n, seriesNumber: 2, patientId: 'C-000123', patientName: 'Nio^Haruko', birthDate: '19480309', studyDate: '20261201' }));
    const stored = await stowFromPage(sender, stowBody('renkei-key-images', slices), 'renkei-key-images');
    expect(stored).toBe(200);
    const id = (await call(sender, 'POST', '/api/exchanges', request({ facility: hospital, userId: 'demo-doctor' }, { studies: [study] }))).body.id as string;

    await radiologist.goto(`${rig.server.url}/exchanges/${id}`);
    await radiologist.getByTestId('exchange-accept').click();
    await expect.poll(() => radiologist.getByTestId('key-image-mark').count()).toBe(3);
    await radiologist.getByTestId('key-image-note').fill('S6 の結節');
    await radiologist.getByTestId('key-image-mark').nth(1).click();
    await expect.poll(() => radiologist.getByTestId('key-image-list').textContent()).toContain('S6 の結節');
    expect(await radiologist.getByTestId('key-image-mark').count()).toBe(2);
    await radiologist.getByTestId('findings').fill('右下葉 S6 に 12 mm の結節。');
    await radiologist.getByTestId('impression').fill('肺癌の疑い。');
    await radiologist.getByTestId('exchange-report').click();
    await expect.poll(() => radiologist.getByTestId('exchange-status').textContent()).toBe('報告済');

    await sender.goto(`${rig.server.url}/exchanges/${id}`);
    await expect.poll(() => sender.getByTestId('key-image-list').textContent()).toContain('S6 の結節');
    expect(await sender.getByTestId('key-image-mark').count()).toBe(0);
    const [download] = await Promise.all([sender.waitForEvent('download'), sender.getByTestId('report-pdf').click()]);
    const pdf = await readFile((await download.path())!);
    const text = pdfText(pdf);
    expect(text).toContain('キー画像');
    expect(text).toContain('S6 の結節');
    // The marked slice is drawn in the report, as rendered when it was marked.
    expect(pdfImages(pdf).map((i) => [i.width, i.height])).toEqual([[64, 64]]);
  });

  it('shows a box a page at a time: さらに表示 appends the next page, each item once, until there is none', async () => {
    const hospital = userOf('demo-doctor').facility!;
    const sender = await signedIn('demo-clinic-doctor');
    const subjects = ['頁送り 1', '頁送り 2', '頁送り 3'];
    for (const subject of subjects) expect((await call(sender, 'POST', '/api/exchanges', request({ facility: hospital, userId: 'demo-doctor' }, { subject }))).status).toBe(201);
    const radiologist = await signedIn('demo-doctor');
    // Pages of two, so that three items need more than one (the server's default page is 100).
    await radiologist.route('**/api/exchanges?box=*', (route) => route.continue({ url: `${route.request().url()}&limit=2` }));
    await radiologist.reload();
    const rows = radiologist.getByTestId('exchange-row');
    await expect.poll(() => rows.count()).toBe(2);
    const more = radiologist.getByTestId('exchange-more');
    let shown = 2;
    while ((await more.count()) > 0) {
      await more.click();
      // The next page is appended (at most two rows), or there was none and the button goes.
      await expect.poll(async () => (await rows.count()) > shown || (await more.count()) === 0).toBe(true);
      const now = await rows.count();
      expect(now - shown).toBeLessThanOrEqual(2);
      shown = now;
    }
    expect(shown).toBeGreaterThanOrEqual(3);
    const links = await rows.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(links).size).toBe(links.length);
    const text = await radiologist.getByTestId('exchange-list').textContent();
    for (const subject of subjects) expect(text).toContain(subject);
  });

  it('keeps a clerk read-only (creating is refused on screen) and shows them their facility\'s ID usage', async () => {
    const clerk = await signedIn('demo-clerk');
    await clerk.goto(`${rig.server.url}/exchanges/new`);
    await clerk.getByTestId('to-facility').fill(userOf('demo-clinic-doctor').facility!);
    await clerk.getByLabel('氏名').fill('仁尾 春子');
    await clerk.getByLabel('フリガナ').fill('ニオ ハルコ');
    await clerk.getByLabel('生年月日').fill('1948-03-09');
    await clerk.getByLabel('自院の患者ID').fill('C-000123');
    await clerk.getByLabel('件名').fill('事務からの送信');
    await clerk.getByTestId('exchange-send').click();
    expect(await errorShown(clerk)).toContain('閲覧のみ');

    await clerk.getByTestId('nav-exchanges').click();
    await clerk.getByTestId('id-usage-link').click();
    const radiologistRow = clerk.getByTestId('id-usage-row').filter({ hasText: 'demo-doctor' }).first();
    await expect.poll(() => radiologistRow.textContent()).toContain('香川 太郎（医師）');
    expect(await clerk.getByTestId('id-usage').textContent()).not.toContain('仁尾');
  });
});
