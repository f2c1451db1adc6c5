/**
 * What the facility may not decide alone, in a real browser (chromium through
 * Playwright) on each user's own terminal: a facility administrator applies
 * for a clinician's ID with the licence number and the operator approves or
 * refuses it; the operator marks a review item reviewed and decides the desks'
 * link requests; a user is told at login of the wrong passwords since the last.
 */
import { readQrCode } from '@renkei/documents/testing';
import { Client, identifyAtDesk, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import { hasClaimsFrom } from '@renkei/history';
import { identifyingDifferences, pseudonymsOfPerson, readPersonRecord } from '@renkei/identity';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('applications and reviews on %s', (engine) => {
  let rig: BrowserRig;
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    ({ network, server } = rig);
  });
  afterAll(() => rig?.close());

  /** A page logged in as the demo user of `role`, on a terminal of their own workplace, at `path`. */
  const signedIn = async (role: string, path: string): Promise<Page> => {
    const page = await (await rig.terminalContext({ forRole: role, viewport: { width: 1400, height: 900 } })).newPage();
    await rig.loginAs(page, role);
    await page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'commit' });
    await page.goto(`${server.url}${path}`);
    return page;
  };
  /** Persons with no card yet, newest first: each test takes its own. */
  const personsWithoutCards = async (count: number, skip: number) =>
    (await network.stores.identity.query<{ id: string }>('SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id = p.id) ORDER BY p.id DESC LIMIT $1 OFFSET $2', [count, skip])).rows.map((r) => r.id);

  it('a facility administrator applies for a nurse\'s ID with the licence number; the operator approves it, and the ID logs in', async () => {
    const admin = await signedIn('facility-admin', '/admin/users');
    await admin.getByTestId('user-table').waitFor();
    await admin.getByLabel('利用者ID').fill('nurse-tadotsu');
    await admin.getByLabel('氏名（表示名）').fill('多度津 渚（看護師）');
    await admin.getByLabel('職種').selectOption('nurse');
    // A clinician's ID is applied for, never issued by the facility.
    expect(await admin.getByTestId('user-issue').count()).toBe(0);
    await admin.getByLabel('免許の登録番号').fill('NS-1234567');
    await admin.getByTestId('user-apply').click();
    await expect.poll(() => admin.getByTestId('admin-message').textContent()).toContain('利用者ID nurse-tadotsu（看護師）の申請を提出しました');
    await expect.poll(() => admin.getByTestId('application-nurse-tadotsu').textContent()).toContain('審査中');
    expect(await admin.getByTestId('application-nurse-tadotsu').textContent()).toContain('NS-1234567');
    expect(await admin.getByTestId('application-nurse-tadotsu').getByTestId('application-approve').count()).toBe(0);

    const operator = await signedIn('operator', '/admin/users');
    const row = operator.getByTestId('application-nurse-tadotsu');
    await row.getByTestId('application-approve').click();
    await expect.poll(() => operator.getByTestId('shown-once').textContent()).toContain('利用者ID nurse-tadotsu を発行しました');
    const oneTime = (await operator.getByTestId('shown-once-secret').textContent())!.trim();
    await expect.poll(() => row.textContent()).toContain('承認');

    const nurse = await (await rig.terminalContext()).newPage();
    await rig.login(nurse, 'nurse-tadotsu', oneTime);
    await nurse.getByTestId('password-change-required').waitFor();
    await Promise.all([admin.context().close(), operator.context().close(), nurse.context().close()]);
  });

  it('the operator refuses an application with a note, and no ID is issued', async () => {
    const admin = await Client.signedIn(server, network, 'facility-admin');
    const facilityCode = network.credentials.users.find((u) => u.role === 'facility-admin')!.facility!;
    expect((await admin.call('POST', '/api/admin/user-applications', { id: 'doctor-refused', displayName: '却下 太郎（医師）', role: 'doctor', facilityCode, licenceNumber: '123456' })).status).toBe(201);
    await admin.close();
    const operator = await signedIn('operator', '/admin/users');
    const row = operator.getByTestId('application-doctor-refused');
    await row.getByLabel('メモ（任意）').fill('免許番号を確認できず');
    await row.getByTestId('application-refuse').click();
    await expect.poll(() => operator.getByTestId('admin-message').textContent()).toContain('利用者ID doctor-refused の申請を却下しました');
    await expect.poll(() => row.textContent()).toContain('免許番号を確認できず');
    expect(await operator.getByTestId('user-doctor-refused').count()).toBe(0);
    await operator.context().close();
  });

  it('the operator sees a card issued and the history opened at once, and marks it reviewed with a note', async () => {
    const hospital = network.credentials.users.find((u) => u.role === 'clerk')!.facility!;
    let stranger: string | undefined;
    for (const id of await personsWithoutCards(20, 0)) if (!(await hasClaimsFrom(network.stores.clinical, await pseudonymsOfPerson(network.stores.identity, network.keys, id), hospital))) stranger = id;
    expect(stranger).toBeDefined();
    const clerk = await Client.signedIn(server, network, 'clerk');
    await identifyAtDesk(clerk, network, stranger!);
    const issued = await clerk.call('POST', '/api/desk/cards', { personId: stranger, identityDocument: 'other' });
    const doctor = await Client.signedIn(server, network, 'doctor');
    expect((await doctor.call('POST', '/api/patient-access', { card: readQrCode(issued.raw)! })).status).toBe(201);
    await Promise.all([clerk.close(), doctor.close()]);

    const operator = await signedIn('operator', '/admin/reviews');
    const row = operator.getByTestId(`review-card-then-opened:${issued.headers['x-card-number']}`);
    await expect.poll(() => row.textContent()).toContain('カード発行直後に同じ施設で閲覧');
    expect(await row.textContent()).toContain('未確認');
    await row.getByLabel('メモ').fill('本人来院を施設に確認');
    await row.getByTestId('review-mark').click();
    await expect.poll(() => row.textContent()).toContain('本人来院を施設に確認');
    expect(await row.getByTestId('review-mark').count()).toBe(0);
    expect(await row.textContent()).toContain('demo-operator');
    await operator.context().close();
  });

  it('the operator approves one link request from a desk and refuses another', async () => {
    // Two persons whose name or birth date differ from the kept one's (the demo holds some who changed
    // insurer, the same person twice, whom the desk links at once without asking the operator).
    const candidates = await personsWithoutCards(12, 20);
    const records = new Map(await Promise.all(candidates.map(async (id) => [id, (await readPersonRecord(network.stores.identity, network.keys, id))!] as const)));
    const kept = candidates.find((id) => candidates.filter((other) => identifyingDifferences(records.get(id)!, records.get(other)!).length > 0).length >= 2);
    expect(kept, 'a person with two others who differ in name or birth date').toBeDefined();
    const [first, second] = candidates.filter((other) => identifyingDifferences(records.get(kept!)!, records.get(other)!).length > 0);
    const clerk = await Client.signedIn(server, network, 'clerk');
    for (const id of [kept!, first!, second!]) await identifyAtDesk(clerk, network, id);
    const requests: number[] = [];
    for (const other of [first, second]) {
      const asked = await clerk.call('POST', '/api/desk/persons/link', { personId: kept, otherPersonId: other });
      expect(asked.status).toBe(202);
      requests.push(asked.body.requestId);
    }
    await clerk.close();

    const operator = await signedIn('operator', '/admin/reviews');
    const approved = operator.getByTestId(`link-request-${requests[0]}`);
    await expect.poll(() => approved.textContent()).toContain('審査中');
    expect(await approved.textContent()).toContain('氏名');
    await approved.getByTestId('link-approve').click();
    await expect.poll(() => operator.getByTestId('admin-message').textContent()).toContain(`統合の申請 ${requests[0]} を承認しました`);
    await expect.poll(() => approved.textContent()).toContain('承認');
    const refused = operator.getByTestId(`link-request-${requests[1]}`);
    await refused.getByLabel('メモ').fill('別人と確認');
    await refused.getByTestId('link-refuse').click();
    await expect.poll(() => refused.textContent()).toContain('却下');
    const moved = await network.stores.identity.query('SELECT 1 FROM enrollments WHERE person_id = $1', [second]);
    expect(moved.rows.length, 'the refused one keeps its enrollments').toBeGreaterThan(0);
    await operator.context().close();
  });

  it('tells a user at login how many wrong passwords were typed for their ID since their last login', async () => {
    const page = await (await rig.terminalContext()).newPage();
    for (let i = 0; i < 2; i++) {
      await rig.loginAs(page, 'liaison', 'not the password');
      await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('IDまたはパスワードが違います');
    }
    await rig.loginAs(page, 'liaison');
    await expect.poll(() => page.getByTestId('login-failures').textContent()).toContain('パスワードの誤りが 2 回ありました');
    await page.getByTestId('logout').click();
    await rig.loginAs(page, 'liaison');
    await page.waitForURL('**/card', { waitUntil: 'commit' });
    await page.getByTestId('user-name').waitFor();
    expect(await page.getByTestId('login-failures').count()).toBe(0);
    await page.context().close();
  });
});
