/**
 * The administration console in a real browser (Debian's chromium through
 * Playwright), with the terminal's real client certificate: an operator issues
 * and revokes a terminal certificate, a facility administrator issues an ID,
 * its first login must replace the one-time password, personal settings, and
 * the facility's DICOM接続先 (its PACS's AE title).
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { Client, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the administration console on %s', (engine) => {
  let rig: BrowserRig;
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    ({ network, server } = rig);
  });
  afterAll(() => rig?.close());

  /** A terminal of the workplace of the demo user of `forRole` (the operator: the secretariat's); the hospital's by default. */
  const terminalContext = (forRole?: string) => rig.terminalContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 }, ...(forRole ? { forRole } : {}) });
  const login = (page: Page, userId: string, password: string) => rig.login(page, userId, password);
  const loginAs = (page: Page, role: string) => rig.loginAs(page, role);
  /** Opens an item of the header's 管理 menu. */
  const openFromMenu = async (page: Page, item: string) => {
    await page.getByTestId('nav-admin').click();
    await page.getByTestId(item).click();
  };

  it('an operator issues a terminal certificate, downloads it once with its password, and revokes it', async () => {
    const context = await terminalContext('operator');
    const page = await context.newPage();
    await loginAs(page, 'operator');
    await openFromMenu(page, 'nav-terminals');
    await page.waitForURL('**/admin/terminals', { waitUntil: 'commit' });
    await page.getByTestId('terminal-table').waitFor();

    await page.getByLabel('PCの名前（例：外来1診察室）').fill('外来3診察室');
    await page.getByTestId('terminal-issue').click();
    await expect.poll(() => page.getByTestId('shown-once').textContent()).toContain('端末証明書を発行しました');
    const password = (await page.getByTestId('shown-once-secret').textContent())!.trim();
    const serial = /シリアル ([0-9a-f]+)/.exec((await page.getByTestId('shown-once').textContent())!)![1]!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('p12-download').click()]);
    expect(download.suggestedFilename()).toBe('外来3診察室.p12');
    const p12 = await readFile((await download.path())!);
    expect(() => createSecureContext({ pfx: p12, passphrase: password })).not.toThrow();

    // The downloaded bundle is a working terminal until it is revoked.
    const pc = Client.tls(server.url, { caPem: network.caPem, pfx: p12, passphrase: password });
    expect((await pc.call('GET', '/api/terminal')).body.name).toBe('外来3診察室');
    await page.getByRole('button', { name: '閉じる' }).click();
    const row = page.getByTestId(`terminal-${serial}`);
    await expect.poll(() => row.textContent()).toContain('有効');
    await row.getByTestId('terminal-revoke').click();
    await row.getByTestId('terminal-confirm').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain(`端末証明書 ${serial} を失効させました`);
    await expect.poll(() => row.textContent()).toContain('失効');
    expect((await pc.call('GET', '/api/terminal')).status).toBe(403);
    await Promise.all([pc.close(), context.close()]);
  });

  it('refuses an operator on a facility\'s terminal, in the user\'s language', async () => {
    const context = await terminalContext();
    const page = await context.newPage();
    await loginAs(page, 'operator');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('事務局）の端末からログインしてください');
    await page.getByRole('button', { name: 'English' }).click();
    const operator = network.credentials.users.find((u) => u.role === 'operator')!;
    await page.getByLabel('User ID').fill(operator.id);
    await page.locator('input[name=password]').fill(operator.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Log in on a terminal of your own facility');
    expect(await page.getByTestId('login-error').textContent()).not.toMatch(/[ぁ-んァ-ン一-龯]/);
    await context.close();
  });

  it('a facility administrator issues an ID; its first login must choose a new password; personal settings keep the e-mail address', async () => {
    const adminContext = await terminalContext();
    const admin = await adminContext.newPage();
    await loginAs(admin, 'facility-admin');
    await openFromMenu(admin, 'nav-users');
    await admin.waitForURL('**/admin/users', { waitUntil: 'commit' });
    await admin.getByTestId('user-table').waitFor();
    // A facility administrator is offered no operator role.
    expect(await admin.getByLabel('職種').locator('option').allTextContents()).not.toContain('ネットワーク運用');

    // A clerk's ID the facility issues itself (a clinician's it applies for: see the applications' test).
    await admin.getByLabel('利用者ID').fill('nurse-shodoshima');
    await admin.getByLabel('氏名（表示名）').fill('小豆島 灯（事務員）');
    await admin.getByLabel('職種').selectOption('clerk');
    await admin.getByTestId('user-issue').click();
    await expect.poll(() => admin.getByTestId('shown-once').textContent()).toContain('利用者ID nurse-shodoshima を発行しました');
    const oneTime = (await admin.getByTestId('shown-once-secret').textContent())!.trim();
    await expect.poll(() => admin.getByTestId('user-nurse-shodoshima').textContent()).toContain('初期パスワード');

    const nurseContext = await terminalContext();
    const nurse = await nurseContext.newPage();
    await login(nurse, 'nurse-shodoshima', oneTime);
    await nurse.getByTestId('password-change-required').waitFor();
    expect(await nurse.getByTestId('nav-admin').count()).toBe(0);
    // No other screen opens before the password is changed.
    await nurse.goto(`${server.url}/card`);
    await nurse.getByTestId('password-change-required').waitFor();

    await nurse.getByLabel('現在のパスワード').fill(oneTime);
    await nurse.getByLabel(/^新しいパスワード\s*\*?$/).fill('short');
    await nurse.getByLabel('新しいパスワード（確認）').fill('short');
    await nurse.getByTestId('password-submit').click();
    await expect.poll(() => nurse.getByTestId('password-message').textContent()).toContain('12文字以上');
    await nurse.getByLabel('現在のパスワード').fill(oneTime);
    await nurse.getByLabel(/^新しいパスワード\s*\*?$/).fill('Shodoshima-Olive-8');
    await nurse.getByLabel('新しいパスワード（確認）').fill('Shodoshima-Olive-8');
    await nurse.getByTestId('password-submit').click();
    await nurse.getByLabel('カードのコード').waitFor();

    // The stored address arrives late, as on a slow line: what the nurse types must not be overwritten by it.
    await nurse.route('**/api/me/settings', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await openFromMenu(nurse, 'nav-settings');
    await nurse.waitForURL('**/settings', { waitUntil: 'commit' });
    await nurse.getByLabel('メールアドレス').fill('akari@shodoshima.example.jp');
    await nurse.unroute('**/api/me/settings');
    await nurse.getByTestId('email-submit').click();
    await expect.poll(() => nurse.getByTestId('email-message').textContent()).toContain('メールアドレスを保存しました');
    await nurse.reload();
    await expect.poll(() => nurse.getByLabel('メールアドレス').inputValue(), { timeout: 10_000 }).toBe('akari@shodoshima.example.jp');

    await nurse.getByLabel('現在のパスワード').fill('Shodoshima-Olive-8');
    await nurse.getByLabel(/^新しいパスワード\s*\*?$/).fill('Kankakei-Gorge-22');
    await nurse.getByLabel('新しいパスワード（確認）').fill('Kankakei-Gorge-22');
    await nurse.getByTestId('password-submit').click();
    await expect.poll(() => nurse.getByTestId('password-message').textContent()).toContain('パスワードを変更しました');

    // The administrator sees the address and deactivates the ID: the nurse's session ends at once.
    await admin.reload();
    const row = admin.getByTestId('user-nurse-shodoshima');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('akari@shodoshima.example.jp');
    await row.getByTestId('user-toggle-active').click();
    await expect.poll(() => row.textContent()).toContain('停止中');
    await nurse.reload();
    await nurse.getByLabel('利用者ID').waitFor();
    await login(nurse, 'nurse-shodoshima', 'Kankakei-Gorge-22');
    await expect.poll(() => nurse.getByTestId('login-error').textContent()).toContain('IDまたはパスワードが違います');
    await Promise.all([adminContext.close(), nurseContext.close()]);
  });

  it('a facility administrator registers a PACS\'s AE title and sees it listed, is refused an AE title DICOM has none of, in Japanese, and removes it', async () => {
    const context = await terminalContext();
    const page = await context.newPage();
    await loginAs(page, 'facility-admin');
    await openFromMenu(page, 'nav-dicom-peers');
    await page.waitForURL('**/admin/dicom-peers', { waitUntil: 'commit' });
    await page.getByText('RENKEI', { exact: true }).waitFor();

    await page.getByLabel('AEタイトル').fill('CT\\ROOM');
    await page.getByTestId('dicom-peer-register').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain('AEタイトルは1〜16文字の半角英数字・記号で入力してください');

    await page.getByLabel('AEタイトル').fill('CT_BROWSER');
    await page.getByLabel('接続元アドレス（空欄なら制限なし）').fill('192.0.2.31');
    await page.getByLabel('送信先ホスト（任意）').fill('pacs.example.jp');
    await page.getByLabel('送信先ポート').fill('104');
    await page.getByTestId('dicom-peer-register').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain('AEタイトル CT_BROWSER を登録しました');
    const row = page.getByTestId('dicom-peer-CT_BROWSER');
    await expect.poll(() => row.textContent()).toMatch(/192\.0\.2\.31.*pacs\.example\.jp:104/);

    await row.getByTestId('dicom-peer-remove').click();
    await row.getByTestId('dicom-peer-confirm').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain('AEタイトル CT_BROWSER を削除しました');
    await expect.poll(() => row.count()).toBe(0);
    await context.close();
  });

  it('shows no console to a clerk', async () => {
    const context = await terminalContext();
    const page = await context.newPage();
    await loginAs(page, 'clerk');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('nav-settings').waitFor();
    expect(await page.getByTestId('nav-terminals').count()).toBe(0);
    for (const path of ['/admin/users', '/admin/terminals', '/admin/participants', '/admin/fees', '/admin/dicom-peers']) {
      await page.goto(`${server.url}${path}`);
      await page.waitForURL('**/card', { waitUntil: 'commit' });
    }
    await context.close();
  });
});
