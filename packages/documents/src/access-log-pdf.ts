/**
 * A patient's access log on A4, printed at the desk for the patient to take
 * home: who looked at their records and who made their cards, newest first,
 * with the actions in Japanese and terminals by the names they were registered
 * under. Every page says whose log it is, where and when it was printed.
 */
import { ACCESS_LOG_ACTIONS_JA, formatBirthDate, formatTokyoDateTime, type AccessLog } from '@renkei/api';
import { pdfDocument } from './pdf-document.js';

export interface AccessLogPrint {
  patient: { name: string | null; birthDate: string };
  log: AccessLog;
  printedAt: Date;
  /** The facility whose desk printed it. */
  facilityName: string | null;
}

const ROLES: Record<string, string> = {
  doctor: '医師',
  dentist: '歯科医師',
  pharmacist: '薬剤師',
  nurse: '看護師',
  technologist: '診療放射線技師',
  clerk: '事務員',
  liaison: '地域連携室',
  'facility-admin': '施設管理者',
  operator: 'ネットワーク運用',
};

const COLUMNS = [
  { title: '日時', width: 82 },
  { title: '医療機関', width: 130 },
  { title: '職種', width: 62 },
  { title: '端末', width: 126 },
  { title: '操作', width: 115 },
] as const;

export function renderAccessLogPdf(print: AccessLogPrint): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: 'A4', margin: 40, info: { Title: 'アクセス記録', Producer: 'Renkei' } });
  const left = doc.page.margins.left;
  const printed = `${print.patient.name ?? ''}　${formatBirthDate(print.patient.birthDate)}生　出力 ${formatTokyoDateTime(print.printedAt)} JST　${print.facilityName ?? ''}`;
  doc.on('pageAdded', () => {
    doc.font('body').fontSize(8).fillColor('#555').text(printed, left, 20, { lineBreak: false });
    doc.fillColor('black');
    doc.y = doc.page.margins.top;
    header();
  });

  doc.font('bold').fontSize(16).text('あなたの情報へのアクセス記録');
  doc.font('body').fontSize(10).text(`${print.patient.name ?? ''}　様　${formatBirthDate(print.patient.birthDate)}生`);
  doc.fontSize(8).fillColor('#555').text(`出力 ${formatTokyoDateTime(print.printedAt)} JST　${print.facilityName ?? ''}　Renkei が記録した、あなたの受診歴の閲覧とカードの発行の記録です（新しい順）。`);
  doc.fillColor('black').moveDown(0.6);
  header();
  if (print.log.entries.length === 0) doc.font('body').fontSize(9).text('記録はありません。', left);
  for (const entry of print.log.entries) {
    const cells = [
      formatTokyoDateTime(entry.at),
      entry.facilityName ?? entry.facilityCode ?? (entry.actorKind === 'process' ? 'Renkei 事務局' : ''),
      entry.role ? (ROLES[entry.role] ?? entry.role) : entry.actorKind === 'process' ? '自動処理' : '',
      entry.terminalName ?? (entry.terminal ? '（登録を外れた端末）' : ''),
      ACCESS_LOG_ACTIONS_JA[entry.action] ?? entry.action,
    ];
    row(cells, 'body');
  }
  doc.end();
  return done;

  function header(): void {
    row(COLUMNS.map((c) => c.title), 'bold');
    doc.moveTo(left, doc.y).lineTo(left + COLUMNS.reduce((sum, c) => sum + c.width, 0), doc.y).lineWidth(0.5).stroke();
    doc.y += 3;
  }

  function row(cells: string[], font: 'body' | 'bold'): void {
    doc.font(font).fontSize(8.5);
    const height = Math.max(...cells.map((text, i) => doc.heightOfString(text, { width: COLUMNS[i]!.width - 6 })));
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    let x = left;
    cells.forEach((text, i) => {
      doc.font(font).fontSize(8.5).text(text, x, top, { width: COLUMNS[i]!.width - 6 });
      x += COLUMNS[i]!.width;
    });
    doc.x = left;
    doc.y = top + height + 3;
  }
}
