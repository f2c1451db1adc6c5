/**
 * The administration console in a real browser (chromium through Playwright)
 * with the terminal's client certificate: the operator registers a facility
 * from outside the prefecture, records the steering committee's approval,
 * lets it join, and downloads the month's fees; then the public directory,
 * in a browser with no certificate and no login.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pdfText } from '@renkei/documents/testing';
import type { RunningServer } from '@renkei/demo/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the administration console on %s', (engine) => {
  let rig: BrowserRig;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    ({ server, browser } = rig);
  });
  afterAll(() => rig?.close());

  const loggedIn = async (role: string): Promise<Page> => {
    // Each on a terminal of their own workplace (the operator: the secretariat's), where alone they may log in.
    const context = await rig.terminalContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 }, forRole: role });
    const page = await context.newPage();
    await rig.loginAs(page, role);
    await page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'commit' });
    return page;
  };
  /** Opens an item of the header's 管理 menu. */
  const openFromMenu = async (page: Page, item: string) => {
    await page.getByTestId('nav-admin').click();
    await page.getByTestId(item).click();
  };

  it('lets the operator register a facility from Okayama, record the committee approval, let it join, and download the fees', async () => {
    const page = await loggedIn('operator');
    await openFromMenu(page, 'nav-participants');
    await page.waitForURL('**/admin/participants', { waitUntil: 'commit' });
    await page.getByTestId('facility-3710100123').waitFor();

    const add = page.getByTestId('add-facility');
    // A dental code for a clinic is refused with what to fix.
    await add.getByLabel('医療機関コード').fill('3330198765');
    await add.getByLabel('名称').fill('岡山ひかりクリニック');
    await add.getByLabel('種別').selectOption('clinic');
    await add.getByLabel('所在地').fill('岡山県岡山市北区駅前町1-1');
    await add.getByLabel('申請日').fill('2026-09-01');
    await add.getByRole('button', { name: '登録' }).click();
    await expect.poll(() => add.getByTestId('admin-error').textContent()).toContain('点数表番号が施設の種別と合いません');
    await add.getByLabel('医療機関コード').fill('3310198765');
    await add.getByRole('button', { name: '登録' }).click();
    const row = page.getByTestId('facility-3310198765');
    await expect.poll(() => row.textContent()).toContain('承認待ち');

    await page.getByTestId('open-3310198765').click();
    const dialog = page.getByRole('dialog');
    // Joining before the approval is refused…
    const status = dialog.getByTestId('change-status');
    await status.getByLabel('新しい状態').selectOption('active');
    await status.getByLabel('効力発生日').fill('2026-10-01');
    await status.getByRole('button', { name: '状態を変更' }).click();
    await expect.poll(() => status.getByTestId('admin-error').textContent()).toContain('運営委員会の承認を記録してから');
    // …and allowed once it is recorded.
    const approval = dialog.getByTestId('record-approval');
    await approval.getByLabel('承認日').fill('2026-09-25');
    await approval.getByLabel('承認番号・議事').fill('第31回運営委員会 議事2');
    await approval.getByRole('button', { name: '運営委員会の承認を記録' }).click();
    await expect.poll(() => dialog.textContent()).toContain('第31回運営委員会 議事2');
    await status.getByLabel('新しい状態').selectOption('active');
    await status.getByLabel('効力発生日').fill('2026-10-01');
    await status.getByLabel('理由').fill('承認済み');
    await status.getByRole('button', { name: '状態を変更' }).click();
    await expect.poll(() => dialog.getByTestId('facility-history').textContent()).toContain('承認済み');
    await page.screenshot({ path: fileURLToPath(new URL(`../../../.vitest-tmp/participants-${engine}.png`, import.meta.url)), fullPage: true });
    expect(await dialog.getByTestId('facility-history').textContent()).toContain('demo-operator');
    await page.keyboard.press('Escape');
    await expect.poll(() => row.textContent()).toContain('参加');

    // The insurers: the 23 of Kagawa.
    await page.getByTestId('tab-admin-insurers').click();
    await expect.poll(() => page.getByTestId('admin-insurers').locator('tbody tr').count()).toBe(23);
    expect(await page.getByTestId('insurer-370015').textContent()).toContain('高松市');

    await openFromMenu(page, 'nav-fees');
    await page.getByTestId('fee-month').fill('2026-10');
    await expect.poll(() => page.getByTestId('fee-list').textContent()).toContain('岡山ひかりクリニック');
    const list = await (await page.request.get(`${server.url}/api/admin/fees/2026-10`)).json();
    expect(await page.getByTestId('fee-total').textContent()).toContain(`${(list.totalYen as number).toLocaleString('ja-JP')}円`);
    await page.screenshot({ path: fileURLToPath(new URL(`../../../.vitest-tmp/fees-${engine}.png`, import.meta.url)), fullPage: true });

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('fees-csv').click()]);
    expect(csv.suggestedFilename()).toBe('renkei-fees-2026-10.csv');
    const text = await readFile((await csv.path())!, 'utf8');
    expect(text.startsWith('\uFEFF対象月,医療機関コード')).toBe(true);
    expect(text).toContain('2026-10,3310198765,岡山ひかりクリニック,診療所,岡山県岡山市北区駅前町1-1,参加,6500');

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('fees-pdf').click()]);
    const printed = pdfText(await readFile((await pdf.path())!));
    expect(printed).toContain('利用料一覧（2026年10月分）');
    expect(printed).toMatch(/3310198765\s+岡山ひかりクリニック\s+診療所\s+参加\s+6,500円/);
    await page.context().close();
  });

  it('shows a facility administrator their own facility only, to correct its address', async () => {
    const page = await loggedIn('facility-admin');
    await openFromMenu(page, 'nav-participants');
    await expect.poll(() => page.getByTestId('admin-facilities').locator('tbody tr').count()).toBe(1);
    await page.getByTestId('open-3710100123').click();
    const edit = page.getByRole('dialog').getByTestId('edit-facility');
    expect(await edit.getByLabel('名称').isDisabled()).toBe(true);
    await edit.getByLabel('所在地').fill('香川県高松市番町5-1-1');
    await edit.getByRole('button', { name: '保存' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('facility-3710100123').textContent()).toContain('香川県高松市番町5-1-1');
    await page.context().close();
  });

  it('shows anyone the participants, without a certificate or a login, and searches them', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
    const page = await context.newPage();
    // Without a terminal the app itself is closed, and points to the directory.
    await page.goto(server.url);
    await page.getByTestId('terminal-missing').getByRole('link', { name: '参加機関一覧（公開）' }).click();
    await page.waitForURL('**/public', { waitUntil: 'commit' });
    await expect.poll(() => page.getByTestId('public-insurers').locator('tbody tr').count()).toBe(23);
    const facilities = page.getByTestId('public-facilities');
    await expect.poll(() => facilities.textContent()).toContain('香川中央病院');
    expect(await facilities.textContent(), 'an application is not listed').not.toContain('岡山みなと病院');
    await page.getByTestId('public-search').fill('丸亀');
    await expect.poll(() => facilities.locator('tbody tr').count()).toBeGreaterThan(0);
    for (const text of await facilities.locator('tbody tr').allTextContents()) expect(text).toContain('丸亀');
    expect(await page.getByTestId('public-insurers').textContent()).toContain('丸亀市');
    expect(await page.getByTestId('public-insurers').locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: fileURLToPath(new URL(`../../../.vitest-tmp/public-${engine}.png`, import.meta.url)), fullPage: true });
    // Full-width digits find the same insurer.
    await page.getByTestId('public-search').fill('３７００１５');
    await expect.poll(() => page.getByTestId('public-insurers').textContent()).toContain('高松市');
    await context.close();
  });
});
