/**
 * The clinical viewer as a clinician reads it, in a real browser: what is
 * active is active, filters filter every date, the screens say when access has
 * ended and keep nothing, times are Japan's, kana finds diagnoses, and the desk
 * finds a 後期高齢者 card without 記号. The showcase patient's claims are
 * written by hand (packages/demo/src/showcase-patients.ts), so every fact
 * asserted here is known.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePatientAccesses, issueCard, setCardStatus } from '@renkei/access';
import { formatTokyoTime } from '@renkei/api';
import { SHOWCASE_ELDER, SHOWCASE_STAY, seedShowcasePatients } from '@renkei/demo';
import { recordConsent } from '@renkei/identity';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserRig, launchChromium, screenEngines } from './browser-rig.js';

describe.each(screenEngines())('the clinical viewer on %s', (engine) => {
  let rig: BrowserRig;
  let showcaseQr: string;
  let childQr: string;
  let oldestQr: string;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    rig = await BrowserRig.open(engine);
    const [personId, childId, oldestId] = await seedShowcasePatients(rig.network.stores, rig.network.keys, await mkdtemp(path.join(tmpdir(), 'renkei-showcase-')));
    // Issued at 03:00 in Japan, 18:00 UTC the day before.
    showcaseQr = (await issueCard(rig.network.stores.identity, rig.network.keys, personId!, { label: 'showcase', now: new Date('2026-12-01T18:00:00Z') })).qr;
    childQr = (await issueCard(rig.network.stores.identity, rig.network.keys, childId!, { label: 'showcase child' })).qr;
    oldestQr = (await issueCard(rig.network.stores.identity, rig.network.keys, oldestId!, { label: 'showcase oldest' })).qr;
    context = await rig.terminalContext();
    page = await context.newPage();
    await rig.loginAs(page, 'doctor');
    await page.waitForURL('**/card', { waitUntil: 'commit' });
  });
  afterAll(async () => {
    await context?.close();
    await rig?.close();
  });

  /** Reads a card as a USB reader does (typed into the focused field, then Enter), and waits for the summary. */
  const readCard = async (qr: string) => {
    await page.goto(`${rig.server.url}/card`);
    await page.getByLabel('カードのコード').focus();
    await page.keyboard.type(qr + '\n');
    await page.getByTestId('summary').waitFor();
    return new URL(page.url()).pathname.split('/')[2]!;
  };
  const personOf = async (qr: string) => {
    const cardNumber = qr.split('-')[1]!;
    const { rows } = await rig.network.stores.identity.query<{ person_id: string }>('SELECT person_id FROM cards WHERE card_number = $1', [cardNumber]);
    return { cardNumber, personId: rows[0]!.person_id };
  };
  const text = (testId: string) => page.getByTestId(testId).textContent();

  it('calls 継続 only what is claimed in the latest months, keeps the rest under 最終記載, 疑い and 転帰 apart, and shows the period, the latest visit, the birth date and the expiry', async () => {
    const accessId = await readCard(showcaseQr);
    const active = await text('summary-active');
    expect(active).toContain('高血圧症');
    expect(active).toContain('２型糖尿病');
    // Acute bronchitis, claimed in April only and never given an outcome, is not active in October.
    expect(active).not.toContain('急性気管支炎');
    expect(await text('summary-lapsed')).toMatch(/急性気管支炎/);
    expect(await text('summary-lapsed')).toContain('最終記載 2026-04');
    expect(await text('summary-suspected')).toContain('慢性心不全の疑い');
    expect(await text('summary-ended')).toMatch(/治ゆ.*インフルエンザ|インフルエンザ.*治ゆ/);
    const header = await text('patient-header');
    expect(header).toContain('レセプト期間 2026-01 〜 2026-10');
    expect(header).toContain('最新の受診日 2026-10-24');
    expect(header).toContain('1947-07-02（昭和22年）生');
    const status = await (await page.request.get(`${rig.server.url}/api/patient-access/${accessId}/status`)).json();
    expect(await text('access-expires')).toBe(`閲覧期限 ${formatTokyoTime(status.expiresAt)}まで`);
  });

  it('filters every date shown by the period and the facility, refuses an inverted period with a message, and shows the earlier dates behind ほか N 件', async () => {
    const accessId = await readCard(showcaseQr);
    await page.getByTestId('tab-tests').click();
    const hba1c = page.getByTestId('test-table').locator('tr', { hasText: 'ＨｂＡ１ｃ' });
    await hba1c.waitFor();
    // Seven HbA1c dates: the latest five, and the two before them on request.
    expect(await hba1c.getByTestId('more-dates').textContent()).toBe('ほか 2 件');
    await hba1c.getByTestId('more-dates').click();
    expect((await hba1c.getByTestId('dates').textContent())!.match(/\d{4}-\d{2}-\d{2}/g)).toEqual(['2026-01-23', '2026-04-02', '2026-06-05', '2026-07-09', '2026-08-06', '2026-09-03', '2026-10-24']);

    await page.getByTestId('filter-from').fill('2026-06');
    await page.getByTestId('filter-to').fill('2026-08');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => text('history-period')).toContain('2026-06 〜 2026-08');
    const shown = (await page.getByTestId('test-table').textContent())!.match(/\d{4}-\d{2}-\d{2}/g)!;
    expect(shown).toEqual(['2026-06-05', '2026-07-09', '2026-08-06']);

    await page.getByTestId('filter-from').fill('2026-09');
    await page.getByTestId('filter-apply').click();
    expect(await text('filter-error')).toContain('期間の開始が終了より後になっています');
    const refused = await page.request.get(`${rig.server.url}/api/patient-access/${accessId}/history?from=2026-09&to=2026-06`);
    expect(refused.status()).toBe(400);
    expect((await refused.json()).error.message).toContain('期間の開始が終了より後');

    // One facility: the hospital's surgery, none of the clinic's tests.
    await page.getByTestId('tab-procedures').click();
    await page.getByTestId('filter-facility').click();
    await page.getByRole('option', { name: '香川中央病院' }).click();
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => text('history-period')).toContain('2026-08 〜 2026-10');
    expect(await text('procedure-table')).toContain('水晶体再建術');
    await page.getByTestId('tab-tests').click();
    await page.getByTestId('filter-facility').click();
    await page.getByRole('option', { name: '香川中央病院' }).click();
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => text('history-empty')).toContain('この期間・医療機関に検査の記録はありません');
  });

  it('finds diagnoses in 主訴検索 by kana and by part of the name', async () => {
    await readCard(showcaseQr);
    await page.getByTestId('tab-complaint').click();
    for (const [query, expected] of [['こうけつあつ', '高血圧症'], ['とうにょう', '２型糖尿病'], ['糖尿', '２型糖尿病']] as const) {
      await page.getByPlaceholder('主訴を入力（例：胸痛、めまい、発熱）').fill(query);
      await page.getByRole('button', { name: '検索' }).click();
      await expect.poll(() => text('complaint-result'), { message: query }).toContain(`「${query}」`);
      expect(await page.getByTestId('complaint-result').getByTestId('diagnosis-table').textContent(), query).toContain(expected);
    }
  });

  it('explains 主訴検索: what it does, results under labelled headings, and why each item is related', async () => {
    await readCard(showcaseQr);
    await page.getByTestId('tab-complaint').click();
    expect(await text('complaint-help')).toContain('主訴表に基づいて');
    await page.getByLabel('主訴', { exact: true }).fill('頭痛');
    await page.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => text('complaint-result')).toContain('主訴表「頭痛」');
    expect(await page.getByTestId('complaint-group').locator('h6').allTextContents()).toEqual(['傷病名（1）']);
    const row = page.getByTestId('complaint-result').locator('tr', { hasText: '高血圧症' });
    expect(await row.getByTestId('reason').textContent()).toBe('主訴表「頭痛」: ICD-10 I10-I15（高血圧性疾患）');
  });

  it('shows dates in Japan’s time: the card issued at 03:00 JST is of that day, the birth date with its 和暦 year', async () => {
    await readCard(showcaseQr);
    await page.getByTestId('tab-detail').click();
    await expect.poll(() => text('patient-detail')).toContain('発行日 2026-12-02');
    expect(await text('patient-detail')).toContain('1947-07-02（昭和22年）');
  });

  it('flags ★ duplicate therapy: two ARBs from two facilities at once, with what the flag is based on', async () => {
    await readCard(showcaseQr);
    const flags = page.getByTestId('duplicate');
    expect(await flags.count()).toBe(1);
    const flag = (await flags.textContent())!;
    for (const part of ['テルミサルタン錠４０ｍｇ', 'さぬき内科クリニック', 'カンデサルタン錠８ｍｇ', '香川中央病院', '2026-08-12〜2026-11-02 に重複', '別の医療機関から', 'ARB（アンジオテンシンII受容体拮抗薬）', '薬効分類 2149']) {
      expect(flag).toContain(part);
    }
  });

  it('lists medications as a pharmacist reads them: form and directions, daily dose in the master’s unit and days, first and latest dispensing, prescriber and pharmacy, current first', async () => {
    await readCard(showcaseQr);
    await page.getByTestId('tab-medications').click();
    const rows = page.getByTestId('medication-table').locator('tbody tr');
    await rows.first().waitFor();
    const telmisartan = (await rows.filter({ hasText: 'テルミサルタン' }).textContent())!;
    for (const part of ['内服', '1日1錠 × 28日分', '2026-06-06〜2026-10-06（5回）', 'さぬき内科クリニック', 'さくら調剤薬局　栗林店']) expect(telmisartan).toContain(part);
    const current = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-current')));
    expect(current.indexOf('false') === -1 || current.lastIndexOf('true') < current.indexOf('false')).toBe(true);
    // The pharmacy gave the 用法 as its code only (SH 用法 006, no 特別指示): shown as a code, marked, never as a bare number.
    const usage = rows.filter({ hasText: 'テルミサルタン' }).getByTestId('usage-code');
    expect(await usage.textContent()).toBe('用法コード 006');
    expect(await usage.getAttribute('title')).toContain('名称表がないため');
    expect(telmisartan).not.toMatch(/内服\s*006/);
  });

  it('shows the patient of 100 born in 大正 with her conditions since 2001, and her DPC stay with its admission, discharge and DPC code', async () => {
    await readCard(oldestQr);
    const header = await text('patient-header');
    expect(header).toContain('1926-11-03（大正15年）生');
    expect(header).toContain('100歳');
    const active = await text('summary-active');
    for (const name of ['高血圧症', '慢性心不全', '心房細動', '慢性腎臓病', '骨粗鬆症', '変形性膝関節症', '便秘症']) expect(active).toContain(name);
    const stay = page.getByTestId('summary-stays').getByTestId('stay');
    expect(await stay.count()).toBe(1);
    expect(await stay.getByTestId('stay-admitted').textContent()).toBe(`入院 ${SHOWCASE_STAY.admittedOn}`);
    expect(await stay.getByTestId('stay-discharged').textContent()).toBe(`退院 ${SHOWCASE_STAY.dischargedOn}`);
    expect(await stay.textContent()).toContain('香川中央病院');
    expect(await stay.textContent()).toContain('12日間');
    expect(await stay.getByTestId('stay-dpc').textContent()).toBe(`DPC ${SHOWCASE_STAY.dpcCode}`);
    // The elder's summary, with no stay, says so on one line.
    await readCard(showcaseQr);
    expect(await text('summary-stays')).toContain('この期間に入院の記録はありません');
  });

  it('leads the risk flags with the patient’s conditions, age and sex after them and in the header', async () => {
    await readCard(showcaseQr);
    const conditions = await page.getByTestId('risk-condition').allTextContents();
    expect(conditions).toEqual(expect.arrayContaining(['糖尿病', '高血圧']));
    expect(conditions.some((c) => /歳以上|男性|女性/.test(c))).toBe(false);
    expect(await text('risk-facts')).toContain('65歳以上');
    expect(await text('patient-header')).toMatch(/女性.*79歳/);
  });

  it('says what is empty and why, on one line, for a child with no surgery and nothing continuing', async () => {
    await readCard(childQr);
    const procedures = page.getByTestId('summary-procedures');
    expect(await procedures.textContent()).toContain('この期間に手術・処置の記録はありません');
    expect((await procedures.boundingBox())!.height).toBeLessThan(48);
    expect(await text('summary-active')).toContain('最近3か月のレセプトに継続中の傷病名はありません');
    expect(await text('summary-ended')).toContain('インフルエンザ');
    expect(await text('patient-header')).toContain('2021-04-10（令和3年）生');
  });

  for (const viewport of [{ width: 1366, height: 768, columns: 2 }, { width: 1024, height: 1366, columns: 1 }]) {
    it(`lays the summary out at ${viewport.width}×${viewport.height} with no badge cut, no date broken, no button clipped, in ${viewport.columns} column(s)`, async () => {
      await page.setViewportSize(viewport);
      try {
        await readCard(showcaseQr);
        const layout = await page.evaluate(() => {
          const width = window.innerWidth;
          return {
            scrollWidth: document.documentElement.scrollWidth,
            width,
            cutBadges: [...document.querySelectorAll('.mantine-Badge-label')].filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.textContent),
            // An inline date wraps into two boxes; a cell that cannot wrap overflows instead.
            brokenDates: [...document.querySelectorAll('.nowrap')].filter((e) => (getComputedStyle(e).display === 'inline' ? [...e.getClientRects()].filter((r) => r.width > 1).length > 1 : e.scrollWidth > e.clientWidth + 1)).map((e) => e.textContent),
            clippedButtons: [...document.querySelectorAll('header button, header a, [data-testid="patient-header"] button, [data-testid="patient-header"] a')]
              .filter((b) => {
                const r = b.getBoundingClientRect();
                return r.width > 0 && (r.left < 0 || r.right > width);
              })
              .map((b) => b.textContent),
            columns: new Set([...document.querySelectorAll('.summary-grid > [data-testid]')].map((c) => Math.round(c.getBoundingClientRect().left))).size,
          };
        });
        expect(layout).toMatchObject({ cutBadges: [], brokenDates: [], clippedButtons: [], columns: viewport.columns });
        expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
  }

  it('gives every badge of the summary a contrast of at least 4.5:1 (WCAG 2.1 AA), the 継続 badge included', async () => {
    await readCard(showcaseQr);
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]: number[]) => {
        const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
      };
      const background = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3]! > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      return [...document.querySelectorAll('[data-testid="summary"] .mantine-Badge-root')].map((badge) => {
        const [a, b] = [luminance(rgb(getComputedStyle(badge).color)), luminance(background(badge))];
        return { text: badge.textContent, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    });
    expect(ratios.map((r) => r.text)).toContain('継続');
    for (const r of ratios) expect(r.ratio, r.text ?? '').toBeGreaterThanOrEqual(4.5);
  });

  it('labels every field, and keeps the focus on the card field after login, after a failed read and after 別の患者', async () => {
    const own = await rig.terminalContext();
    const p = await own.newPage();
    const focused = () => p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? document.activeElement?.tagName);
    await rig.loginAs(p, 'nurse');
    await p.waitForURL('**/card', { waitUntil: 'commit' });
    await expect.poll(focused).toBe('card');
    await p.getByLabel('カードのコード').fill('RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await p.getByRole('button', { name: '開く', exact: true }).click();
    await p.getByTestId('card-error').waitFor();
    await expect.poll(focused).toBe('card');
    await p.getByLabel('カードのコード').fill(showcaseQr);
    await p.keyboard.press('Enter');
    await p.getByTestId('summary').waitFor();
    for (const tab of ['tests', 'complaint']) {
      await p.getByTestId(`tab-${tab}`).click();
      await p.locator('form input').first().waitFor();
      const unlabelled = await p.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden])')].filter((i) => (i as HTMLInputElement).labels?.length === 0 && !i.getAttribute('aria-label') && !i.getAttribute('aria-labelledby')).map((i) => i.outerHTML),
      );
      expect(unlabelled, tab).toEqual([]);
    }
    await p.getByRole('button', { name: '別の患者' }).click();
    await p.waitForURL('**/card', { waitUntil: 'commit' });
    await expect.poll(focused).toBe('card');
    await own.close();
  });

  it('opens the next patient when a card is scanned on the patient screen', async () => {
    const first = await readCard(showcaseQr);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type(childQr + '\n');
    await expect.poll(() => text('patient-header').catch(() => '')).toContain('連携　さくら');
    expect(new URL(page.url()).pathname.split('/')[2]).not.toBe(first);
  });

  it('prints the patient, the facility, the user and the time on every page, with the badges in colour', async () => {
    await readCard(showcaseQr);
    const me = await (await page.request.get(`${rig.server.url}/api/me`)).json();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.status-badge').first().evaluate((b) => getComputedStyle(b).printColorAdjust)).toBe('exact');
    // Back to the browser's own media: a PDF is then made as printing would.
    await page.emulateMedia({ media: null });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'renkei-print-')), 'summary.pdf');
    await writeFile(file, await page.pdf({ width: '210mm', height: '120mm' }));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThan(1);
    for (let n = 1; n <= pages; n++) {
      // pdftotext breaks lines and spaces where it likes: compare without them.
      const printed = execFileSync('pdftotext', ['-f', String(n), '-l', String(n), file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      for (const part of ['連携　花子', '1947-07-02（昭和22年）', me.user.facilityName, me.user.displayName, '印刷 20']) expect(printed, `page ${n}`).toContain(part.replace(/\s+/g, ''));
    }
  });

  it('says in Japanese, with what to do, when no camera is found', async () => {
    const noCamera = await launchChromium(['--use-fake-ui-for-media-stream']);
    try {
      const own = await rig.terminalContext({ permissions: ['camera'] }, noCamera);
      const p = await own.newPage();
      await rig.loginAs(p, 'nurse');
      await p.waitForURL('**/card', { waitUntil: 'commit' });
      await p.getByRole('button', { name: 'カメラで読み取る' }).click();
      const message = (await p.getByTestId('camera-error').textContent())!;
      expect(message).toMatch(/^カメラ/);
      expect(message).not.toMatch(/[A-Za-z]{4,}/);
      await own.close();
    } finally {
      await noCamera.close();
    }
  });

  it('says so on every tab when the card is revoked, keeps nothing of the patient, and offers the card field again, focused', async () => {
    const qr = rig.network.credentials.cards[0]!.qr;
    const accessId = await readCard(qr);
    await setCardStatus(rig.network.stores.identity, await personOf(qr), 'revoked');
    await page.getByTestId('tab-diagnoses').click();
    await expect.poll(() => text('access-ended')).toContain('閲覧期限が切れました／アクセスが取り消されました');
    expect(await page.getByTestId('summary').count()).toBe(0);
    expect(await page.getByTestId('patient-header').count()).toBe(0);
    // Another tab, and the summary itself on a fresh load, say the same.
    await page.getByTestId('read-card-again').waitFor();
    for (const tab of ['medications', 'summary']) {
      await page.goto(`${rig.server.url}/patients/${accessId}/${tab}`);
      await expect.poll(() => text('access-ended'), { message: tab }).toContain('アクセスが取り消されました');
    }
    await page.getByTestId('read-card-again').click();
    await page.waitForURL('**/card', { waitUntil: 'commit' });
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('card');
  });

  it('ends the summary on screen, without a click, when consent is withdrawn at the desk', async () => {
    const qr = rig.network.credentials.cards[1]!.qr;
    // The page's clock runs as the real one until it is moved on below (it stays installed for the later tests, running so).
    await page.clock.install();
    await readCard(qr);
    const { personId } = await personOf(qr);
    const clerk = rig.network.credentials.users.find((u) => u.role === 'clerk')!;
    await rig.network.stores.identity.transaction(async (tx) => {
      await recordConsent(tx, { personId, withdrawn: true, recordedBy: clerk.id, facilityCode: clerk.facility });
      await closePatientAccesses(tx, { personIds: [personId] });
    });
    // The screen asks every 15 seconds whether the access still stands: the clock moves on by as much.
    await page.clock.fastForward(15_000);
    await page.getByTestId('access-ended').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('summary').count()).toBe(0);
  });

  it('ends the screen when the access expires', async () => {
    const qr = rig.network.credentials.cards[2]!.qr;
    const accessId = await readCard(qr);
    await rig.network.stores.identity.query("UPDATE patient_accesses SET expires_at = now() - interval '1 second' WHERE id = $1", [accessId]);
    await page.getByTestId('tab-tests').click();
    await expect.poll(() => text('access-ended')).toContain('閲覧期限が切れました');
  });

  it('at the desk: finds a 後期高齢者医療 card that has no 記号', async () => {
    const desk = await rig.terminalContext();
    const clerk = await desk.newPage();
    await rig.loginAs(clerk, 'clerk');
    await clerk.waitForURL('**/card', { waitUntil: 'commit' });
    await clerk.getByLabel('保険者番号').fill(SHOWCASE_ELDER.insurerNumber);
    await clerk.getByLabel('番号', { exact: true }).fill(SHOWCASE_ELDER.number);
    await clerk.getByLabel('生年月日').fill(SHOWCASE_ELDER.birthDate);
    await clerk.getByTestId('desk-search').click();
    await expect.poll(() => clerk.getByTestId('desk-candidates').textContent()).toContain('連携');
    await desk.close();
  });
});
