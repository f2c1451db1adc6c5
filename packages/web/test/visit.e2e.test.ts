/**
 * The whole visit in a real browser (Debian's chromium through Playwright), with
 * the terminal's real client certificate: login, card, summary, each tab, both
 * searches, logout; and the refusals.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import { decryptField } from '@renkei/identity';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, demoEngines, launchChromium } from './browser-rig.js';
import { writeQrVideo } from './qr-video.js';

describe.each(demoEngines())('the web app on %s', (engine) => {
  let rig: BrowserRig;
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    ({ network, server } = rig);
  });
  afterAll(() => rig?.close());

  const terminalContext = () => rig.terminalContext();
  const login = (page: Page, role: string, password?: string) => rig.loginAs(page, role, password);

  it('goes through a whole visit: login, card by the USB reader, summary, every tab, both searches, logout', async () => {
    const context = await terminalContext();
    const page = await context.newPage();

    await login(page, 'doctor', 'wrong password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('IDまたはパスワードが違います');

    await login(page, 'doctor');
    await page.waitForURL('**/card', { waitUntil: 'commit' });
    await expect.poll(() => page.getByTestId('user-name').textContent()).toContain('医師');

    // A USB 2D reader is a keyboard: it types the QR text into the focused field and presses Enter.
    await page.getByLabel('カードのコード').focus();
    await page.keyboard.type(network.credentials.cards[0]!.qr + '\n');
    await page.waitForURL('**/patients/**', { waitUntil: 'commit' });
    await page.getByTestId('summary').waitFor();
    await expect.poll(() => page.getByTestId('risk-flags').textContent()).toContain('重症化リスク因子');
    expect(await page.getByTestId('summary-active').textContent()).toMatch(/継続中の傷病名（\d+）/);
    expect(await page.getByTestId('patient-header').textContent()).toMatch(/\d+歳/);
    await page.screenshot({ path: fileURLToPath(new URL(`../../../.vitest-tmp/summary-${engine}.png`, import.meta.url)), fullPage: true });

    // The summary PDF opens from its button, with this browser's certificate and session.
    const [pdfPage] = await Promise.all([context.waitForEvent('page'), page.getByTestId('summary-pdf').click()]);
    const pdf = await pdfPage.request.get(pdfPage.url());
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await pdfPage.close();

    // Each tab lists what the API holds for the patient (asked with this browser's own certificate and session).
    const accessId = new URL(page.url()).pathname.split('/')[2]!;
    const history = await (await page.request.get(`${server.url}/api/patient-access/${accessId}/history`)).json();
    expect(history.diagnoses.length + history.medications.length + history.tests.length).toBeGreaterThan(0);
    for (const [tab, table] of [['diagnoses', 'diagnosis-table'], ['medications', 'medication-table'], ['procedures', 'procedure-table'], ['tests', 'test-table']] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForURL(`**/${tab}`, { waitUntil: 'commit' });
      await expect.poll(() => page.getByTestId(table).locator('tbody tr').count()).toBe(history[tab].length);
    }

    await page.getByTestId('tab-groups').click();
    await page.getByTestId('disease-groups').waitFor();
    expect(await page.getByTestId('disease-groups').textContent()).toMatch(/確認したグループ \d+ 件/);

    await page.getByTestId('tab-complaint').click();
    await page.getByPlaceholder('主訴を入力（例：胸痛、めまい、発熱）').fill('めまい');
    await page.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => page.getByTestId('complaint-result').textContent()).toContain('主訴表「めまい」');

    await page.getByTestId('tab-detail').click();
    await expect.poll(() => page.getByTestId('patient-detail').textContent()).toContain('有効');
    expect(await page.getByTestId('patient-detail').textContent()).toContain('保険者番号');

    const patientUrl = page.url();
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login', { waitUntil: 'commit' });
    // After logout the same patient address shows nothing but the login screen, and the API refuses it.
    await page.goto(patientUrl);
    await page.getByLabel('利用者ID').waitFor();
    expect((await page.request.get(`${server.url}/api/patient-access/${accessId}/summary`)).status()).toBe(401);
    await context.close();
  });

  it('reads the card with the camera', async () => {
    const video = path.join(await mkdtemp(path.join(tmpdir(), 'renkei-camera-')), 'card.y4m');
    await writeQrVideo(video, network.credentials.cards[1]!.qr);
    const withCamera = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const context = await rig.terminalContext({ permissions: ['camera'] }, withCamera);
      const page = await context.newPage();
      await login(page, 'nurse');
      await page.waitForURL('**/card', { waitUntil: 'commit' });
      await page.getByRole('button', { name: 'カメラで読み取る' }).click();
      await page.waitForURL('**/patients/**', { waitUntil: 'commit' });
      await page.getByTestId('summary').waitFor();
      // The card's label begins with its holder's name: the summary is theirs.
      const holder = network.credentials.cards[1]!.label.split('（')[0]!;
      expect(await page.getByTestId('patient-header').textContent()).toContain(holder);
      await context.close();
    } finally {
      await withCamera.close();
    }
  });

  it('refuses a browser without a terminal certificate', async () => {
    const context = await rig.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('terminal-missing').textContent()).toContain('登録された端末からのみ利用できます');
    await context.close();
  });

  it('refuses a made-up card with a clear message, offers no My Number card where none is configured, and starts an operator in the console', async () => {
    const context = await terminalContext();
    const page = await context.newPage();
    await login(page, 'doctor');
    await page.waitForURL('**/card', { waitUntil: 'commit' });
    await page.getByLabel('カードのコード').fill('RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('button', { name: '開く', exact: true }).click();
    await expect.poll(() => page.getByTestId('card-error').textContent()).toContain('このカードは使用できません');
    // No JPKI is configured here: the screen offers no My Number card.
    expect(await page.getByTestId('my-number-open').count()).toBe(0);
    await context.close();

    // The operator reads no histories: they start in the administration console, with no card field (on the secretariat's terminal, where alone they log in).
    const secretariat = await rig.terminalContext({ forRole: 'operator' });
    const operatorPage = await secretariat.newPage();
    await login(operatorPage, 'operator');
    await operatorPage.waitForURL('**/admin/participants', { waitUntil: 'commit' });
    expect(await operatorPage.getByLabel('カードのコード').count()).toBe(0);
    await secretariat.close();
  });

  it('at the desk: a clerk withdraws consent and the doctor is refused, prints who looked, and gives consent back', async () => {
    const card = network.credentials.cards[2]!.qr;
    const desk = await terminalContext();
    const clerk = await desk.newPage();
    await login(clerk, 'clerk');
    await clerk.waitForURL('**/card', { waitUntil: 'commit' });
    await clerk.getByLabel('カードのコード').fill(card);
    await clerk.getByTestId('desk-withdraw').click();
    await clerk.getByTestId('desk-withdraw-yes').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('同意の撤回を記録しました');

    const exam = await terminalContext();
    const doctor = await exam.newPage();
    await login(doctor, 'doctor');
    await doctor.waitForURL('**/card', { waitUntil: 'commit' });
    await doctor.getByLabel('カードのコード').fill(card);
    await doctor.getByRole('button', { name: '開く', exact: true }).click();
    await expect.poll(() => doctor.getByTestId('card-error').textContent()).toContain('同意を撤回');

    // Each action empties the card field: the card is read again.
    await clerk.getByLabel('カードのコード').fill(card);
    await clerk.getByTestId('desk-restore').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('同意の再開を記録しました');
    await doctor.getByLabel('カードのコード').fill(card);
    await doctor.getByRole('button', { name: '開く', exact: true }).click();
    await doctor.getByTestId('summary').waitFor();

    await clerk.getByLabel('カードのコード').fill(card);
    await clerk.getByTestId('desk-access-log').click();
    await expect.poll(() => clerk.getByTestId('access-log').textContent()).toContain('サマリー閲覧');
    expect(await clerk.getByTestId('access-log').textContent()).toContain('医師');
    await clerk.getByLabel('カードのコード').fill('RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await clerk.getByTestId('desk-access-log').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('このカードは使用できません');
    await Promise.all([desk.close(), exam.close()]);
  });

  it('at the desk: a clerk finds a patient by kana name and birth date, and issues a card to print', async () => {
    const { rows } = await network.stores.identity.query<{ birth_date_enc: Uint8Array; kana_enc: Uint8Array }>(
      'SELECT p.birth_date_enc, n.kana_enc FROM persons p JOIN person_names n ON n.person_id = p.id WHERE n.kana_enc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) LIMIT 1',
    );
    const kana = decryptField(network.keys.encryption, rows[0]!.kana_enc);
    const birthDate = decryptField(network.keys.encryption, rows[0]!.birth_date_enc);
    const context = await terminalContext();
    const page = await context.newPage();
    await login(page, 'clerk');
    await page.waitForURL('**/card', { waitUntil: 'commit' });
    await page.getByLabel('氏名（カナ）').fill(kana);
    await page.getByLabel('生年月日').fill(birthDate);
    await page.getByTestId('desk-search').click();
    await page.getByTestId('desk-candidates').waitFor();
    expect(await page.getByTestId('desk-candidates').textContent()).toContain(kana);
    await page.getByTestId('desk-issue-card').first().click();
    // The identity document checked is recorded with the card: nothing is issued before it is chosen.
    expect(await page.getByTestId('desk-issue-confirm').isDisabled()).toBe(true);
    await page.getByTestId('desk-issue').getByLabel('保険証', { exact: true }).check();
    const [pdf] = await Promise.all([context.waitForEvent('page'), page.getByTestId('desk-issue-confirm').click()]);
    await expect.poll(() => page.getByTestId('desk-persons-message').textContent()).toMatch(/カード \d{4} \d{4} \d{4} \d{4} を発行しました/);
    expect(pdf.url()).toMatch(/^blob:/);
    await context.close();
  });

  it('shows English on request', async () => {
    const context = await terminalContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('User ID').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'Log in' }).count()).toBe(1);
    expect(await page.getByText('ログイン').count()).toBe(0);
    await context.close();
  });

  it('answers the API the same to the test client (sanity of the fixture)', async () => {
    const client = await Client.terminal(server, network);
    expect((await client.call('GET', '/api/terminal')).body).toMatchObject({ demo: false });
    await client.close();
  });
});
