/**
 * The My Number card in a real browser: the desk binds a patient's card, a
 * doctor opens that patient with the card alone, and the refusals (a card
 * bound to nobody, a wrong PIN, a revoked certificate) say what to do. The
 * card is a SoftHSM2 token read by the real card helper program over PKCS#11.
 */
import { jpkiTrust, type JpkiTrust } from '@renkei/access';
import { createTestJpki, freePort, startCardHelper, TEST_CARD_PIN, type TestCard, type TestJpki } from '@renkei/card-helper/testing';
import { decryptField } from '@renkei/identity';
import type { RunningServer, TestNetwork } from '@renkei/demo/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('My Number cards in the browser on %s', (engine) => {
  let rig: BrowserRig;
  let network: TestNetwork;
  let server: RunningServer;
  let jpki: TestJpki;
  let card: TestCard;
  let trust: JpkiTrust;
  let helper: Awaited<ReturnType<typeof startCardHelper>>;
  let patient: { kana: string; birthDate: string };

  beforeAll(async () => {
    jpki = await createTestJpki();
    card = await jpki.issueCard();
    trust = jpkiTrust(jpki.authorityPems, [await jpki.crl()]);
    const helperPort = await freePort();
    rig = await BrowserRig.open(engine, () => ({ jpki: { current: async () => trust }, cardHelperUrl: `http://127.0.0.1:${helperPort}` }));
    ({ network, server } = rig);
    helper = await startCardHelper(card, [server.url], helperPort);
    const { rows } = await network.stores.identity.query<{ birth_date_enc: Uint8Array; kana_enc: Uint8Array }>(
      `SELECT p.birth_date_enc, n.kana_enc FROM persons p JOIN person_names n ON n.person_id = p.id
        WHERE n.kana_enc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM consent_changes c WHERE c.person_id = p.id) ORDER BY p.id LIMIT 1`,
    );
    patient = { kana: decryptField(network.keys.encryption, rows[0]!.kana_enc), birthDate: decryptField(network.keys.encryption, rows[0]!.birth_date_enc) };
  }, 180_000);

  afterAll(async () => {
    await helper?.stop();
    await rig?.close();
    await jpki?.remove();
  });

  const terminalContext = () => rig.terminalContext();
  const login = async (page: Page, role: string) => {
    await rig.loginAs(page, role);
    await page.waitForURL('**/card', { waitUntil: 'commit' });
  };

  const openWithMyNumber = async (page: Page, pin: string) => {
    await page.getByTestId('my-number-open').getByLabel('暗証番号（4桁）').fill(pin);
    await page.getByTestId('my-number-open').getByRole('button', { name: 'カードで開く' }).click();
  };

  it('binds the card at the desk, opens the patient with it, identifies the patient at the desk by it; refuses it unbound, with a wrong PIN, after consent is withdrawn, and revoked', async () => {
    const exam = await terminalContext();
    const doctor = await exam.newPage();
    await login(doctor, 'doctor');

    // Not yet bound: the doctor is told to have it registered at the desk.
    await openWithMyNumber(doctor, TEST_CARD_PIN);
    await expect.poll(() => doctor.getByTestId('card-error').textContent()).toContain('連携に登録されていません');

    const desk = await terminalContext();
    const clerk = await desk.newPage();
    await login(clerk, 'clerk');
    await clerk.getByLabel('氏名（カナ）').fill(patient.kana);
    await clerk.getByLabel('生年月日').fill(patient.birthDate);
    await clerk.getByTestId('desk-search').click();
    await clerk.getByTestId('desk-candidates').waitFor();
    expect(await clerk.getByTestId('desk-my-number-status').first().textContent()).toBe('未登録');
    await clerk.getByTestId('desk-my-number-bind').first().click();
    await clerk.getByTestId('desk-my-number-pin').getByLabel('暗証番号（4桁）').fill(TEST_CARD_PIN);
    await clerk.getByTestId('desk-my-number-pin').getByRole('button', { name: '登録する' }).click();
    await expect.poll(() => clerk.getByTestId('desk-persons-message').textContent()).toContain('マイナンバーカードを登録しました');
    expect(await clerk.getByTestId('desk-my-number-status').first().textContent()).toBe('登録済み');

    // A wrong PIN stops at the card, with the card's own warning.
    await openWithMyNumber(doctor, '9999');
    await expect.poll(() => doctor.getByTestId('card-error').textContent()).toContain('暗証番号が違います');

    await openWithMyNumber(doctor, TEST_CARD_PIN);
    await doctor.waitForURL('**/patients/**', { waitUntil: 'commit' });
    await doctor.getByTestId('summary').waitFor();
    await doctor.getByTestId('tab-detail').click();
    await expect.poll(() => doctor.getByTestId('patient-detail').textContent()).toContain('マイナンバーカード（登録日');

    // At the desk the same card identifies the patient: who looked at their data, and a withdrawal of consent.
    await clerk.getByTestId('desk-key-kind').getByText('マイナンバーカード').click();
    // A PIN short of four digits never reaches the card (it locks after three wrong ones).
    await clerk.getByLabel('暗証番号（4桁）').fill('12');
    await clerk.getByTestId('desk-access-log').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('数字4桁');
    await clerk.getByLabel('暗証番号（4桁）').fill(TEST_CARD_PIN);
    await clerk.getByTestId('desk-access-log').click();
    await expect.poll(() => clerk.getByTestId('access-log').textContent()).toContain('サマリー閲覧');
    await clerk.getByLabel('暗証番号（4桁）').fill(TEST_CARD_PIN);
    await clerk.getByTestId('desk-withdraw').click();
    await clerk.getByTestId('desk-withdraw-yes').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('同意の撤回を記録しました');
    await doctor.goto(`${server.url}/card`);
    await openWithMyNumber(doctor, TEST_CARD_PIN);
    await expect.poll(() => doctor.getByTestId('card-error').textContent()).toContain('同意を撤回');
    await clerk.getByLabel('暗証番号（4桁）').fill(TEST_CARD_PIN);
    await clerk.getByTestId('desk-restore').click();
    await expect.poll(() => clerk.getByTestId('desk-message').textContent()).toContain('同意の再開を記録しました');

    // The certificate is revoked (the card was reported lost): the next presentation is refused.
    trust = jpkiTrust(jpki.authorityPems, [await jpki.crl([card.serial])]);
    await doctor.goto(`${server.url}/card`);
    await openWithMyNumber(doctor, TEST_CARD_PIN);
    await expect.poll(() => doctor.getByTestId('card-error').textContent()).toContain('失効しています');
    await Promise.all([exam.close(), desk.close()]);
  });
});
