/**
 * The desk in a real browser (chromium through Playwright) with the
 * hospital's terminal certificate: a lost card suspended, reactivated and
 * revoked from its own screen; a withdrawal of consent confirmed by the
 * patient's name; the card field emptied after every action.
 */
import { formatCardNumber } from '@renkei/api';
import { Client, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import { decryptField } from '@renkei/identity';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the desk on %s', (engine) => {
  let rig: BrowserRig;
  let network: TestNetwork;
  let server: RunningServer;
  let doctor: Client;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    ({ network, server } = rig);
    doctor = await Client.signedIn(server, network, 'doctor');
  });
  afterAll(async () => {
    await doctor?.close();
    await rig?.close();
  });

  /** The holder of a demo card, as the desk would find them. */
  const holderOf = async (qr: string) => {
    const cardNumber = qr.split('-')[1]!;
    const { rows } = await network.stores.identity.query<{ birth_date_enc: Uint8Array; kana_enc: Uint8Array; name_enc: Uint8Array }>(
      'SELECT p.birth_date_enc, n.kana_enc, n.name_enc FROM cards c JOIN persons p ON p.id = c.person_id JOIN person_names n ON n.person_id = p.id WHERE c.card_number = $1 LIMIT 1',
      [cardNumber],
    );
    const key = network.keys.encryption;
    return { cardNumber, kana: decryptField(key, rows[0]!.kana_enc), name: decryptField(key, rows[0]!.name_enc), birthDate: decryptField(key, rows[0]!.birth_date_enc) };
  };
  const clerkPage = async (): Promise<Page> => {
    const page = await (await rig.terminalContext()).newPage();
    await rig.loginAs(page, 'clerk');
    await page.getByTestId('desk-persons').waitFor();
    return page;
  };
  const opens = async (qr: string) => (await doctor.call('POST', '/api/patient-access', { card: qr })).status;

  it('suspends a lost card on its screen once the patient is found, reactivates it when found, and revokes it', async () => {
    const qr = network.credentials.cards[0]!.qr;
    const holder = await holderOf(qr);
    const page = await clerkPage();
    await page.getByLabel('氏名（カナ）').fill(holder.kana);
    await page.getByLabel('生年月日').fill(holder.birthDate);
    await page.getByTestId('desk-search').click();
    const row = page.getByTestId('desk-candidates').locator('tbody tr', { hasText: formatCardNumber(holder.cardNumber) });
    await row.getByTestId('desk-lost-card').click();
    const panel = page.getByTestId('desk-card-status');
    await expect.poll(() => panel.textContent()).toContain(holder.name);

    await panel.getByTestId('desk-card-suspend').click();
    await expect.poll(() => page.getByTestId('desk-persons-message').textContent()).toContain(`カード ${formatCardNumber(holder.cardNumber)} を一時停止しました`);
    expect(await opens(qr)).not.toBe(201);
    await panel.getByTestId('desk-card-reactivate').click();
    await expect.poll(() => page.getByTestId('desk-persons-message').textContent()).toContain('の利用を再開しました');
    expect(await opens(qr)).toBe(201);
    await panel.getByTestId('desk-card-revoke').click();
    await expect.poll(() => page.getByTestId('desk-persons-message').textContent()).toContain('を失効させました');
    expect(await opens(qr)).not.toBe(201);
    // The candidate now has no working card: the next step is a new one.
    await expect.poll(() => row.count()).toBe(0);
    await page.context().close();
  });

  it('names the patient before a withdrawal of consent; declining withdraws nothing, and the card field is empty after each step', async () => {
    const qr = network.credentials.cards[1]!.qr;
    const holder = await holderOf(qr);
    const page = await clerkPage();
    const cardField = page.getByLabel('カードのコード');
    await cardField.fill(qr);
    await page.getByTestId('desk-withdraw').click();
    await expect.poll(() => page.getByTestId('desk-withdraw-patient').textContent()).toContain(holder.name);
    expect(await page.getByTestId('desk-withdraw-patient').textContent()).toContain(holder.birthDate);
    expect(await cardField.inputValue()).toBe('');
    await page.getByTestId('desk-withdraw-no').click();
    expect(await page.getByTestId('desk-withdraw-confirm').count()).toBe(0);
    expect(await opens(qr)).toBe(201);

    await cardField.fill(qr);
    await page.getByTestId('desk-withdraw').click();
    await page.getByTestId('desk-withdraw-yes').click();
    await expect.poll(() => page.getByTestId('desk-message').textContent()).toContain('同意の撤回を記録しました');
    expect(await opens(qr)).toBe(403);

    // A made-up card is refused, and leaves the field empty for the next read.
    await cardField.fill('RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByTestId('desk-withdraw').click();
    await expect.poll(() => page.getByTestId('desk-message').textContent()).toContain('このカードは使用できません');
    expect(await cardField.inputValue()).toBe('');
    expect(await page.getByTestId('desk-withdraw-confirm').count()).toBe(0);
    await page.context().close();
  });

  it('prints the access log from the desk as a PDF for the patient to take home, and empties the card field', async () => {
    const qr = network.credentials.cards[2]!.qr;
    expect(await opens(qr)).toBe(201);
    const page = await clerkPage();
    const cardField = page.getByLabel('カードのコード');
    await cardField.fill(qr);
    const [response, pdfPage] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/desk/access-log.pdf')),
      page.context().waitForEvent('page'),
      page.getByTestId('desk-access-log-pdf').click(),
    ]);
    expect(pdfPage.url()).toMatch(/^blob:/);
    expect(await cardField.inputValue()).toBe('');
    // What the new window shows: the server's PDF of this patient's log (its content is the desk API test's).
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    const printed = await network.stores.clinical.query("SELECT 1 FROM audit_events WHERE action = 'access-log.print' AND actor = 'demo-clerk' AND outcome = 'allowed'");
    expect(printed.rows.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('issues no card before the identity document is chosen, and records the one chosen', async () => {
    const { rows } = await network.stores.identity.query<{ id: string; birth_date_enc: Uint8Array; kana_enc: Uint8Array }>(
      'SELECT p.id, p.birth_date_enc, n.kana_enc FROM persons p JOIN person_names n ON n.person_id = p.id WHERE n.kana_enc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) ORDER BY p.id DESC LIMIT 1',
    );
    const key = network.keys.encryption;
    const page = await clerkPage();
    await page.getByLabel('氏名（カナ）').fill(decryptField(key, rows[0]!.kana_enc));
    await page.getByLabel('生年月日').fill(decryptField(key, rows[0]!.birth_date_enc));
    await page.getByTestId('desk-search').click();
    await page.getByTestId('desk-issue-card').first().click();
    expect(await page.getByTestId('desk-issue-confirm').isDisabled()).toBe(true);
    await page.getByTestId('desk-issue').getByLabel('資格確認書').check();
    const [pdf] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('desk-issue-confirm').click()]);
    await expect.poll(() => page.getByTestId('desk-persons-message').textContent()).toMatch(/カード \d{4} \d{4} \d{4} \d{4} を発行しました/);
    const cardNumber = (await page.getByTestId('desk-persons-message').textContent())!.match(/\d{4} \d{4} \d{4} \d{4}/)![0].replaceAll(' ', '');
    await pdf.close();
    const issued = await network.stores.identity.query<{ identity_document: string }>('SELECT identity_document FROM cards WHERE card_number = $1', [cardNumber]);
    expect(issued.rows[0]?.identity_document).toBe('eligibility-certificate');
    await page.context().close();
  });
});
