/**
 * The fees on A4: the secretariat's list for a month (every facility billed,
 * and the total) and one facility's monthly statement (利用料明細書).
 */
import { FACILITY_KIND_LABELS, PARTICIPANT_STATUS_LABELS, type FeeList, type FeeStatement } from '@renkei/api';
import { pdfDocument } from './pdf-document.js';

export interface FeePrintContext {
  printedAt: Date;
  /** The network as it names itself on paper, e.g. 「Renkei 香川地域医療連携ネットワーク」. */
  networkName: string;
}


/** Whole yen with thousands separators: 6,500円. */
export function formatYen(yen: number): string {
  return `${yen.toLocaleString('ja-JP')}円`;
}

function monthLabel(month: string): string {
  const [year, monthNumber] = month.split('-');
  return `${year}年${Number(monthNumber)}月`;
}

export function renderFeeListPdf(list: FeeList, context: FeePrintContext): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: 'A4', margin: 40, info: { Title: `利用料一覧 ${list.month}`, Producer: 'Renkei' } });
  doc.font('bold').fontSize(16).text(`利用料一覧（${monthLabel(list.month)}分）`);
  doc.font('body').fontSize(9).fillColor('#555').text(`${context.networkName}　事務局用　出力 ${formatJst(context.printedAt)}　基本利用料 月額 ${formatYen(list.monthlyFeeYen)}／施設（日割りなし）`);
  doc.fillColor('black').moveDown(0.6);

  const columns = [
    { title: '医療機関コード', x: 40, width: 80 },
    { title: '医療機関名', x: 125, width: 190 },
    { title: '種別', x: 320, width: 60 },
    { title: '月末の状態', x: 385, width: 60 },
    { title: '金額', x: 450, width: 105, align: 'right' as const },
  ];
  const row = (cells: string[], font: 'body' | 'bold') => {
    if (doc.y > doc.page.height - 70) doc.addPage();
    const y = doc.y;
    doc.font(font).fontSize(9);
    let bottom = y;
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      doc.text(cell, column.x, y, { width: column.width, align: column.align ?? 'left' });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = 40;
    doc.y = bottom + 3;
  };
  row(columns.map((c) => c.title), 'bold');
  doc.moveTo(40, doc.y).lineTo(555, doc.y).stroke();
  doc.moveDown(0.2);
  for (const r of list.rows) row([r.facilityCode, r.facilityName, FACILITY_KIND_LABELS[r.kind], PARTICIPANT_STATUS_LABELS[r.status], formatYen(r.yen)], 'body');
  doc.moveTo(40, doc.y).lineTo(555, doc.y).stroke();
  doc.moveDown(0.2);
  row(['', `合計 ${list.rows.length}施設`, '', '', formatYen(list.totalYen)], 'bold');
  doc.end();
  return done;
}

export function renderFeeStatementPdf(statement: FeeStatement, context: FeePrintContext): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: 'A4', margin: 50, info: { Title: `利用料明細書 ${statement.month} ${statement.facility.code}`, Producer: 'Renkei' } });
  doc.font('bold').fontSize(18).text('利用料明細書', { align: 'center' });
  doc.moveDown(1).font('body').fontSize(11);
  doc.text(`${statement.facility.name}　御中`);
  doc.fontSize(9).text(`医療機関コード ${statement.facility.code}　${FACILITY_KIND_LABELS[statement.facility.kind]}`);
  if (statement.facility.address) doc.text(statement.facility.address);
  doc.moveDown(0.5).text(`${context.networkName}　事務局`, { align: 'right' });
  doc.text(`発行 ${formatJst(context.printedAt)}`, { align: 'right' });
  doc.moveDown(1).font('bold').fontSize(12).text(`${monthLabel(statement.month)}分のご請求額　${formatYen(statement.totalYen)}`);
  doc.moveDown(0.8).font('body').fontSize(10);
  for (const line of statement.lines) {
    const y = doc.y;
    doc.text(line.label, 60, y, { width: 330 });
    doc.text(formatYen(line.yen), 395, y, { width: 140, align: 'right' });
  }
  doc.moveTo(60, doc.y + 4).lineTo(535, doc.y + 4).stroke();
  doc.moveDown(0.6);
  const y = doc.y;
  doc.font('bold').text('合計', 60, y, { width: 330 });
  doc.text(formatYen(statement.totalYen), 395, y, { width: 140, align: 'right' });
  doc.moveDown(1.5).font('body').fontSize(8).fillColor('#555').text('基本利用料は月額制です。その月に1日でも参加（休止中を含む）していれば1か月分となり、日割り計算はしません。', 50, doc.y, { width: 495 });
  doc.end();
  return done;
}

function formatJst(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}
