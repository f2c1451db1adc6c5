import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PatientSummary } from '@renkei/api';
import { describe, expect, it } from 'vitest';
import { renderSummaryPdf } from './summary-pdf.js';

const summary: PatientSummary = {
  patient: { sex: 'female', age: 82, birthYear: 1944, birthDate: '1944-03-09', name: '讃岐 花子', kana: 'サヌキ ハナコ' },
  period: { from: '2025-11', to: '2026-10', latestDate: '2026-10-24' },
  diagnoses: [
    { code: '8833421', name: '高血圧症', kana: null, known: true, icd10: 'I10', modifiers: [], startDate: '2019-04-01', outcome: 'continuing', suspected: false, main: true, firstMonth: '2025-11', lastMonth: '2026-10', facilities: [], status: 'active' },
    { code: '4660009', name: '急性気管支炎', kana: null, known: true, icd10: 'J209', modifiers: [], startDate: '2026-04-02', outcome: 'continuing', suspected: false, main: false, firstMonth: '2026-04', lastMonth: '2026-04', facilities: [], status: 'lapsed' },
    { code: '4139003', name: '狭心症の疑い', kana: null, known: true, icd10: 'I209', modifiers: ['8002'], startDate: null, outcome: 'continuing', suspected: true, main: false, firstMonth: '2026-03', lastMonth: '2026-03', facilities: [], status: 'suspected' },
  ],
  medications: [
    {
      code: '620004', name: 'アムロジピン錠５ｍｇ', kana: null, known: true, yjCode: '2171022F1', unit: '錠', dates: ['2026-10-02'], months: ['2026-10'], route: 'oral', usage: '１日１回朝食後', quantity: 1, days: 28,
      prescribers: [{ code: '3710112342', name: 'さぬき内科' }], dispensers: [], current: true,
      dispensings: [{ date: '2026-10-02', days: 28, quantity: 1, prescriber: { code: '3710112342', name: 'さぬき内科' }, dispenser: { code: '3740151233', name: 'さくら調剤薬局' } }],
    },
    {
      code: '622535601', name: 'テルミサルタン錠４０ｍｇ', kana: null, known: true, yjCode: '2149042F2030', unit: '錠', dates: ['2026-10-06'], months: ['2026-10'], route: 'oral', usage: '用法コード006', quantity: 1, days: 28,
      prescribers: [{ code: '3710112342', name: 'さぬき内科' }], dispensers: [], current: true,
      dispensings: [{ date: '2026-10-06', days: 28, quantity: 1, prescriber: { code: '3710112342', name: 'さぬき内科' }, dispenser: { code: '3740151233', name: 'さくら調剤薬局' } }],
    },
  ],
  procedures: [],
  tests: [],
  stays: [{ facility: { code: '3710100123', name: '香川中央病院' }, admittedOn: '2026-09-10', dischargedOn: '2026-09-24', dpcCode: '040080xx99x0xx', months: ['2026-09'] }],
  riskFlags: [{ id: 'covid-age-65', name: '65歳以上', evidence: [] }],
  duplicates: [
    {
      group: 'arb', groupName: 'ARB（アンジオテンシンII受容体拮抗薬）', therapeuticClass: '2149', overlapFrom: '2026-08-12', overlapTo: '2026-11-02', differentFacilities: true,
      drugs: [
        { code: '622535601', name: 'テルミサルタン錠４０ｍｇ', yjCode: '2149042F2030', first: '2026-06-06', last: '2026-10-06', prescribers: [{ code: '3710112342', name: 'さぬき内科' }] },
        { code: '622358001', name: 'カンデサルタン錠８ｍｇ', yjCode: '2149040F3037', first: '2026-08-12', last: '2026-10-12', prescribers: [{ code: '3710100123', name: '香川中央病院' }] },
      ],
    },
  ],
};

describe('the summary PDF', () => {
  it('is an A4 PDF whose Japanese text can be read back (the font is embedded with its character map)', async () => {
    const pdf = await renderSummaryPdf(summary, { printedAt: new Date('2026-11-22T01:00:00Z'), facilityName: '香川中央病院', userName: '香川 太郎' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'renkei-pdf-')), 'summary.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const expected of ['患者サマリー', '讃岐 花子', '1944-03-09（昭和19年）', '82歳', '最新の受診日 2026-10-24', '最終記載 2026-04', '重複投薬の可能性', '1日1錠 × 28日', '１日１回朝食後', '入院 2026-09-10 〜 退院 2026-09-24', 'DPC 040080xx99x0xx', '高血圧症', '狭心症の疑い', 'アムロジピン錠５ｍｇ', '65歳以上', '2026-11-22 10:00 JST']) {
      expect(text).toContain(expected);
    }
    // A 用法 the receipt gives only as a code is printed as a code, marked, never as a bare number.
    expect(text).toContain('用法コード 006（名称表なし）');
    expect(text).not.toMatch(/用法コード006|内服 006/);
    // A diagnosis no longer claimed is not listed as continuing; suspected ones are apart from the active ones.
    expect(text.indexOf('急性気管支炎')).toBeGreaterThan(text.indexOf('最近の記載がない傷病名'));
    expect(text.indexOf('狭心症の疑い')).toBeGreaterThan(text.indexOf('疑い病名'));
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+595\.28 x 841\.89/);
  });

  it('puts the patient, the birth date, the facility, the user and the print time on every page', async () => {
    const tests = Array.from({ length: 150 }, (_, i) => ({ code: `16000${i}`, name: `検査${i}`, kana: null, known: true, section: 'D007', dates: ['2026-10-01'], months: ['2026-10'], facilities: [], materials: [] }));
    const pdf = await renderSummaryPdf({ ...summary, tests }, { printedAt: new Date('2026-12-01T18:00:00Z'), facilityName: '香川中央病院', userName: '香川 太郎' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'renkei-pdf-')), 'summary.pdf');
    writeFileSync(file, pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThan(1);
    for (let page = 1; page <= pages; page++) {
      const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
      for (const expected of ['讃岐 花子', '1944-03-09（昭和19年）', '香川中央病院', '香川 太郎', '2026-12-02 03:00 JST']) expect(text, `page ${page}`).toContain(expected);
    }
  });
});
