/**
 * The patient summary on A4, for the chart or for the patient to take along:
 * the same content as the screen's サマリー, in BIZ UDGothic.
 */
import { formatBirthDate, formatTokyoDateTime, usageText, type PatientSummary } from '@renkei/api';
import { pdfDocument } from './pdf-document.js';

export interface SummaryPrintContext {
  printedAt: Date;
  facilityName: string | null;
  userName: string;
}

const OUTCOME: Record<string, string> = { continuing: '継続', cured: '治ゆ', died: '死亡', discontinued: '中止' };
const ROUTE: Record<string, string> = { oral: '内服', 'as-needed': '頓服', topical: '外用', injection: '注射', home: '在宅' };

export function renderSummaryPdf(summary: PatientSummary, context: SummaryPrintContext): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: 'A4', margin: 40, info: { Title: '患者サマリー', Producer: 'Renkei' } });

  const p = summary.patient;
  const printed = `${p.name ?? ''}　${formatBirthDate(p.birthDate)}　出力 ${formatTokyoDateTime(context.printedAt)} JST　${context.facilityName ?? ''}　${context.userName}`;
  // Every page after the first carries who, where, by whom and when, as a loose page is filed on its own.
  doc.on('pageAdded', () => {
    const y = doc.y;
    doc.font('body').fontSize(8).fillColor('#555').text(printed, doc.page.margins.left, 20, { lineBreak: false });
    doc.fillColor('black').font('body').fontSize(9);
    doc.y = y;
  });
  doc.font('bold').fontSize(16).text('患者サマリー（レセプト情報）');
  doc.font('body').fontSize(10);
  doc.text(`${p.name ?? ''}${p.kana ? `（${p.kana}）` : ''}　${p.sex === 'male' ? '男性' : '女性'}　${formatBirthDate(p.birthDate)}生　${p.age}歳`);
  doc.text(`レセプト期間 ${summary.period.from ?? '—'} 〜 ${summary.period.to ?? '—'}　最新の受診日 ${summary.period.latestDate ?? '—'}`);
  doc.fontSize(8).fillColor('#555').text(`出力 ${formatTokyoDateTime(context.printedAt)} JST　${context.facilityName ?? ''}　${context.userName}　注：保険者のレセプトに基づく情報です。診療録ではありません。`);
  doc.fillColor('black').moveDown(0.5);

  if (summary.duplicates.length > 0) {
    section(
      doc,
      `★ 重複投薬の可能性（${summary.duplicates.length}）`,
      summary.duplicates.map((d) => `${d.groupName}（薬効分類 ${d.therapeuticClass}）：${d.drugs.map((x) => `${x.name}［${x.prescribers.map((f) => f.name ?? f.code).join('、')}］`).join(' と ')}　${d.overlapFrom}〜${d.overlapTo} に重複${d.differentFacilities ? '（別の医療機関から）' : ''}`),
    );
  }
  section(doc, '重症化リスク因子（COVID-19）', summary.riskFlags.length === 0 ? ['該当なし'] : [summary.riskFlags.map((f) => f.name).join('、')]);
  const active = summary.diagnoses.filter((d) => d.status === 'active');
  section(doc, `継続中の傷病名（${active.length}）`, active.map((d) => `${d.name}　${d.icd10 ?? ''}　開始 ${d.startDate ?? '—'}　最終 ${d.lastMonth}`));
  const lapsed = summary.diagnoses.filter((d) => d.status === 'lapsed');
  section(doc, `最近の記載がない傷病名（${lapsed.length}）`, lapsed.map((d) => `${d.name}　${d.icd10 ?? ''}　最終記載 ${d.lastMonth}`));
  const suspected = summary.diagnoses.filter((d) => d.status === 'suspected');
  section(doc, `疑い病名（${suspected.length}）`, suspected.map((d) => `${d.name}　最終 ${d.lastMonth}`));
  const ended = summary.diagnoses.filter((d) => d.status === 'ended');
  section(doc, `治ゆ・中止・死亡（${ended.length}）`, ended.map((d) => `${d.name}　${OUTCOME[d.outcome] ?? d.outcome}　最終 ${d.lastMonth}`));
  const current = summary.medications.filter((m) => m.current);
  section(doc, `最近3か月の投薬（${current.length}）`, current.map((m) => `${m.name}　${m.route ? (ROUTE[m.route] ?? m.route) : ''}${m.usage ? ` ${usageText(m.usage)}` : ''}　${m.quantity === null ? '' : `1日${m.quantity}${m.unit ?? ''}`}${m.days ? ` × ${m.days}日` : ''}　${m.dispensings[0]?.date ?? ''}〜${m.dispensings.at(-1)?.date ?? ''}　${m.prescribers.map((f) => f.name ?? f.code).join('、')}`));
  section(doc, `入院（${summary.stays.length}）`, summary.stays.map((s) => `${s.facility.name ?? s.facility.code}　入院 ${s.admittedOn ?? '日付の記載なし'} 〜 ${s.dischargedOn ? `退院 ${s.dischargedOn}` : s.dpcCode ? '入院中（退院日の記載なし）' : '退院日の記載なし'}　${s.dpcCode ? `DPC ${s.dpcCode}` : '出来高'}`));
  section(doc, `手術・処置（${summary.procedures.length}）`, summary.procedures.map((a) => `${a.section ?? ''} ${a.name}　${(a.dates.length > 0 ? a.dates : a.months).slice(-3).join(' ')}`));
  section(doc, `検査（${summary.tests.length}）`, summary.tests.map((a) => `${a.section ?? ''} ${a.name}　${(a.dates.length > 0 ? a.dates : a.months).slice(-3).join(' ')}`));
  doc.end();
  return done;
}

function section(doc: PDFKit.PDFDocument, title: string, lines: string[]): void {
  doc.moveDown(0.4).font('bold').fontSize(11).text(title);
  doc.font('body').fontSize(9);
  if (lines.length === 0) doc.fillColor('#777').text('なし').fillColor('black');
  for (const line of lines) doc.text(`・${line}`, { indent: 6 });
}
