/**
 * The exchange's documents on A4: the request as sent (読影依頼書, 紹介状,
 * 経過報告書, 情報連携), each report (読影レポート, 返書), the reading
 * statistics and the completion notice of a deletion request. A document is
 * rendered from the stored record alone, and renders to the same bytes every
 * time (its date is the record's), so that the SHA-256 kept when it was
 * signed shows any change.
 */
import { EXCHANGE_KIND_LABELS, type ExchangeKind, type ExchangeStats } from '@renkei/api';
import { pdfDocument } from './pdf-document.js';

export interface ExchangeDocumentParty {
  facilityCode: string;
  facilityName: string;
  userName: string | null;
}

export interface ExchangeDocumentPatient {
  name: string;
  kana: string;
  sex: 'male' | 'female' | 'other';
  birthDate: string;
  patientId: string;
}

export interface ExchangeLetter {
  id: string;
  kind: ExchangeKind;
  from: ExchangeDocumentParty;
  to: ExchangeDocumentParty;
  patient: ExchangeDocumentPatient;
  consent: { obtainedOn: string; by: 'patient' | 'guardian'; obtainedBy: string; form: string } | null;
  department: string;
  subject: string;
  body: string;
  urgency: 'normal' | 'urgent';
  replyBy: Date | null;
  studies: readonly string[];
  attachments: readonly string[];
  sentAt: Date;
  networkName: string;
}

export interface ExchangeReportDocument {
  letter: ExchangeLetter;
  kind: 'interim' | 'final' | 'declined';
  author: ExchangeDocumentParty;
  findings: string;
  impression: string;
  reason: string;
  signedAt: Date;
  /** The key images (キー画像) that stood when the report was signed. */
  keyImages?: readonly ExchangeReportKeyImage[];
}

/** A key image as the report lists it: where it is in its study, and the reader's note. */
export interface ExchangeReportKeyImage {
  seriesNumber: number | null;
  instanceNumber: number | null;
  sopInstanceUid: string;
  frame: number;
  note: string;
  /** The frame as it was rendered when marked (PNG): drawn beside its place, if there is one. */
  picture?: Buffer;
}

/** One addendum (追記) as signed: a correction or addition beside what it corrects, which stays as it was. */
export interface ExchangeAddendum {
  /** 1 for an item's first addendum, in the order they were signed. */
  number: number;
  author: ExchangeDocumentParty;
  text: string;
  signedAt: Date;
  /** The key images it adds: marked after the report it adds to (see the exchange service for which). */
  keyImages?: readonly ExchangeReportKeyImage[];
}

/**
 * An addendum with what it adds to: the request, the report signed before it
 * (if any) and every addendum up to it, so that the latest addendum's PDF is
 * the report with all its addenda. Later texts do not change it.
 */
export interface ExchangeAddendumDocument {
  letter: ExchangeLetter;
  report: Omit<ExchangeReportDocument, 'letter'> | null;
  /** Addenda 1 … n; the last is the one this document is. */
  addenda: readonly ExchangeAddendum[];
}

const SEX_LABELS = { male: '男', female: '女', other: 'その他' } as const;
const CONSENT_FORMS: Record<string, string> = { written: '書面', oral: '口頭', electronic: '電子' };
const REPORT_TITLES = { interim: '中間報告', final: '報告書', declined: '読影しない旨の回答' } as const;

/** Date and time in Japan, to the minute: 2026-12-02 11:20. */
export function formatJstMinute(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const party = (p: ExchangeDocumentParty) => `${p.facilityName}（${p.facilityCode}）${p.userName ? `　${p.userName}` : '　地域連携室'}`;

/** Fixed metadata: the document's date is the record's, so the same record gives the same bytes. */
function fixedDocument(title: string, at: Date) {
  return pdfDocument({ size: 'A4', margin: 50, info: { Title: title, Producer: 'Renkei', Creator: 'Renkei', CreationDate: at } });
}

function heading(doc: PDFKit.PDFDocument, title: string, networkName: string) {
  doc.font('bold').fontSize(18).text(title, { align: 'center' });
  doc.font('body').fontSize(8).fillColor('#555').text(networkName, { align: 'center' }).fillColor('black');
  doc.moveDown(0.8);
}

function field(doc: PDFKit.PDFDocument, label: string, value: string) {
  const y = doc.y;
  doc.font('bold').fontSize(10).text(label, 50, y, { width: 100 });
  const after = doc.y;
  doc.font('body').fontSize(10).text(value || '—', 155, y, { width: 390 });
  doc.x = 50;
  doc.y = Math.max(after, doc.y) + 2;
}

function section(doc: PDFKit.PDFDocument, label: string, text: string) {
  doc.moveDown(0.5).font('bold').fontSize(11).text(label);
  doc.font('body').fontSize(10).text(text.trim() || '—', { width: 495 });
}

/** A key image's picture: fitted into this square (points), its place and note beside it. */
const PICTURE_SIDE = 150;

/**
 * Each key image: its picture (if it has one) with its place (series, image,
 * frame) and note beside it, else the place on a line; its SOP Instance UID
 * under the place, small. A picture that does not fit on the page starts the next.
 */
function keyImagesSection(doc: PDFKit.PDFDocument, keyImages: readonly ExchangeReportKeyImage[]) {
  doc.moveDown(0.5).font('bold').fontSize(11).text('キー画像');
  keyImages.forEach((k, i) => {
    const place = `シリーズ ${k.seriesNumber ?? '—'}　画像 ${k.instanceNumber ?? '—'}　フレーム ${k.frame}`;
    if (!k.picture) {
      doc.font('body').fontSize(10).text(`${i + 1}. ${place}${k.note ? `　${k.note}` : ''}`, { width: 495 });
      doc.fontSize(8).fillColor('#555').text(`SOP Instance UID ${k.sopInstanceUid}`, { width: 495, indent: 12 }).fillColor('black');
      return;
    }
    if (doc.y + PICTURE_SIDE + 8 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y + 4;
    doc.image(k.picture, 50, top, { fit: [PICTURE_SIDE, PICTURE_SIDE] });
    doc.font('body').fontSize(10).text(`${i + 1}. ${place}`, 50 + PICTURE_SIDE + 12, top, { width: 495 - PICTURE_SIDE - 12 });
    if (k.note) doc.text(k.note, { width: 495 - PICTURE_SIDE - 12 });
    doc.fontSize(8).fillColor('#555').text(`SOP Instance UID ${k.sopInstanceUid}`, { width: 495 - PICTURE_SIDE - 12 }).fillColor('black');
    doc.x = 50;
    doc.y = Math.max(doc.y, top + PICTURE_SIDE) + 6;
  });
}

function letterBody(doc: PDFKit.PDFDocument, letter: ExchangeLetter) {
  field(doc, '宛先', party(letter.to));
  field(doc, '依頼元', party(letter.from));
  field(doc, '送信日時', formatJstMinute(letter.sentAt));
  field(doc, '緊急度', letter.urgency === 'urgent' ? `至急（回答期限 ${letter.replyBy ? formatJstMinute(letter.replyBy) : '—'}）` : '通常');
  if (letter.department) field(doc, '診療科', letter.department);
  doc.moveDown(0.3);
  const p = letter.patient;
  field(doc, '患者氏名', `${p.name}（${p.kana}）`);
  field(doc, '性別・生年月日', `${SEX_LABELS[p.sex]}　${p.birthDate}`);
  field(doc, '依頼元患者ID', p.patientId);
  if (letter.consent) {
    const c = letter.consent;
    field(doc, '同意', `${c.obtainedOn} ${c.by === 'guardian' ? '保護者' : '本人'}より${CONSENT_FORMS[c.form] ?? c.form}で取得（取得者 ${c.obtainedBy}）`);
  }
  section(doc, '件名', letter.subject);
  section(doc, '内容（目的・臨床情報・依頼事項）', letter.body);
  if (letter.studies.length > 0) section(doc, '添付検査（StudyInstanceUID）', letter.studies.join('\n'));
  if (letter.attachments.length > 0) section(doc, '添付ファイル', letter.attachments.join('\n'));
}

function footer(doc: PDFKit.PDFDocument, id: string) {
  doc.moveDown(1).font('body').fontSize(8).fillColor('#555').text(`文書番号 ${id}　この文書は Renkei に保存された記録から作成され、SHA-256 で改変を検知できます。`);
  doc.fillColor('black');
}

/** The request as sent: the letter every reply refers to. */
export function renderExchangeLetterPdf(letter: ExchangeLetter): Promise<Buffer> {
  const title = letter.kind === 'referral' ? '診療情報提供書（紹介状）' : letter.kind === 'reading' ? '読影依頼書' : letter.kind === 'progress' ? '経過報告書' : '医療情報の連携';
  const { doc, done } = fixedDocument(`${title} ${letter.id}`, letter.sentAt);
  heading(doc, title, letter.networkName);
  letterBody(doc, letter);
  footer(doc, letter.id);
  doc.end();
  return done;
}

/** A report (interim or final) or a decline, signed by its author, with the request it answers. */
export function renderExchangeReportPdf(report: ExchangeReportDocument): Promise<Buffer> {
  const kindLabel = report.letter.kind === 'reading' ? '読影' : '返書';
  const title = report.kind === 'declined' ? REPORT_TITLES.declined : `${kindLabel}${REPORT_TITLES[report.kind]}`;
  const { doc, done } = fixedDocument(`${title} ${report.letter.id}`, report.signedAt);
  heading(doc, title, report.letter.networkName);
  field(doc, '依頼', `${EXCHANGE_KIND_LABELS[report.letter.kind]}「${report.letter.subject}」 ${formatJstMinute(report.letter.sentAt)}`);
  field(doc, '依頼元', party(report.letter.from));
  const p = report.letter.patient;
  field(doc, '患者', `${p.name}（${p.kana}） ${SEX_LABELS[p.sex]} ${p.birthDate}　依頼元患者ID ${p.patientId}`);
  if (report.kind === 'declined') {
    section(doc, '読影しない理由', report.reason);
  } else {
    section(doc, '所見', report.findings);
    section(doc, '診断', report.impression);
    if (report.keyImages && report.keyImages.length > 0) keyImagesSection(doc, report.keyImages);
  }
  doc.moveDown(1);
  field(doc, '回答者', party(report.author));
  field(doc, '署名日時', formatJstMinute(report.signedAt));
  doc.moveDown(0.5).font('body').fontSize(9).text('本報告は依頼元医師の診断を補助するものであり、診断の最終的な責任は依頼元の主治医にあります（ネットワーク運用規程による）。', { width: 495 });
  footer(doc, report.letter.id);
  doc.end();
  return done;
}

/** 追記 n: the request referred to, the report as signed, and addenda 1 … n, each with its author and time and the key images it adds. */
export function renderExchangeAddendumPdf(document: ExchangeAddendumDocument): Promise<Buffer> {
  const { letter, report } = document;
  const last = document.addenda.at(-1);
  if (!last) throw new Error('an addendum document needs its addendum');
  const title = `追記（第${last.number}号）`;
  const { doc, done } = fixedDocument(`${title} ${letter.id}`, last.signedAt);
  heading(doc, title, letter.networkName);
  field(doc, '依頼', `${EXCHANGE_KIND_LABELS[letter.kind]}「${letter.subject}」 ${formatJstMinute(letter.sentAt)}`);
  field(doc, '依頼元', party(letter.from));
  field(doc, '宛先', party(letter.to));
  const p = letter.patient;
  field(doc, '患者', `${p.name}（${p.kana}） ${SEX_LABELS[p.sex]} ${p.birthDate}　依頼元患者ID ${p.patientId}`);
  if (report) {
    const kindLabel = letter.kind === 'reading' ? '読影' : '返書';
    const reportTitle = report.kind === 'declined' ? REPORT_TITLES.declined : `${kindLabel}${REPORT_TITLES[report.kind]}`;
    doc.moveDown(0.5).font('bold').fontSize(12).text(`${reportTitle}（署名 ${formatJstMinute(report.signedAt)}　${party(report.author)}）`);
    if (report.kind === 'declined') {
      section(doc, '読影しない理由', report.reason);
    } else {
      section(doc, '所見', report.findings);
      section(doc, '診断', report.impression);
    }
  }
  doc.moveDown(0.5);
  for (const addendum of document.addenda) {
    section(doc, `追記 第${addendum.number}号（署名 ${formatJstMinute(addendum.signedAt)}　${party(addendum.author)}）`, addendum.text);
    if (addendum.keyImages && addendum.keyImages.length > 0) keyImagesSection(doc, addendum.keyImages);
  }
  doc.moveDown(0.5).font('body').fontSize(9).text('追記は元の依頼・報告を変更せず、その後に加えられたものです。元の記載はそのまま保存されています。', { width: 495 });
  if (report && report.kind !== 'declined') doc.font('body').fontSize(9).text('本報告は依頼元医師の診断を補助するものであり、診断の最終的な責任は依頼元の主治医にあります（ネットワーク運用規程による）。', { width: 495 });
  footer(doc, letter.id);
  doc.end();
  return done;
}

/** 読影件数の集計: per facility and reader, for a month. */
export function renderExchangeStatsPdf(stats: ExchangeStats, context: { printedAt: Date; networkName: string }): Promise<Buffer> {
  const { doc, done } = pdfDocument({ size: 'A4', margin: 40, info: { Title: `読影件数の集計 ${stats.month}`, Producer: 'Renkei' } });
  const [year, month] = stats.month.split('-');
  doc.font('bold').fontSize(16).text(`読影件数の集計（${year}年${Number(month)}月）`);
  doc.font('body').fontSize(9).fillColor('#555').text(`${context.networkName}　出力 ${formatJstMinute(context.printedAt)}　「読影しない」は読影件数に含めません`).fillColor('black');
  doc.moveDown(0.6);
  const columns = [
    { title: '医療機関', x: 40, width: 150 },
    { title: '読影医', x: 195, width: 110 },
    { title: '受付', x: 310, width: 45, align: 'right' as const },
    { title: '読影', x: 360, width: 45, align: 'right' as const },
    { title: '読影しない', x: 410, width: 50, align: 'right' as const },
    { title: '報告返送', x: 465, width: 45, align: 'right' as const },
    { title: '所要(中央値,時間)', x: 515, width: 45, align: 'right' as const },
  ];
  const row = (cells: string[], font: 'body' | 'bold') => {
    if (doc.y > doc.page.height - 70) doc.addPage();
    const y = doc.y;
    let bottom = y;
    doc.font(font).fontSize(8);
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      doc.text(cell, column.x, y, { width: column.width, align: column.align ?? 'left' });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = 40;
    doc.y = bottom + 3;
  };
  row(columns.map((c) => c.title), 'bold');
  for (const r of stats.rows) {
    row(
      [`${r.facilityName}（${r.facility}）`, r.reader ? (r.readerName ?? r.reader) : '施設計', String(r.received), String(r.answered), String(r.declined), String(r.reportsReturned), r.medianTurnaroundHours === null ? '—' : r.medianTurnaroundHours.toFixed(1)],
      r.reader ? 'body' : 'bold',
    );
  }
  doc.end();
  return done;
}

export interface DeletionNotice {
  id: string;
  facility: { code: string; name: string };
  receivedOn: string;
  reference: string;
  deletedItems: number;
  deletedInstances: number;
  deletedBytes: number;
  completedAt: Date;
  networkName: string;
}

/** データ削除完了通知: what was deleted for a 様式2 request, nothing of who the patient is. */
export function renderDeletionNoticePdf(notice: DeletionNotice): Promise<Buffer> {
  const { doc, done } = fixedDocument(`データ削除完了通知 ${notice.id}`, notice.completedAt);
  heading(doc, 'データ削除完了通知', notice.networkName);
  doc.font('body').fontSize(11).text(`${notice.facility.name}（${notice.facility.code}）　御中`);
  doc.moveDown(0.8).fontSize(10).text(`${notice.receivedOn} 付けでお受けしたデータ削除申請（様式2${notice.reference ? `、受付番号 ${notice.reference}` : ''}）について、対象患者の連携データを Renkei から削除しました。`, { width: 495 });
  doc.moveDown(0.6);
  field(doc, '削除した連携', `${notice.deletedItems} 件`);
  field(doc, '削除した画像', `${notice.deletedInstances} 枚`);
  field(doc, '削除したデータ量', `${notice.deletedBytes.toLocaleString('ja-JP')} バイト`);
  field(doc, '完了日時', formatJstMinute(notice.completedAt));
  doc.moveDown(0.8).fontSize(10).text('貴施設の端末に保存・印刷された写し（ダウンロードした PDF や画像など）は貴施設の管理下にあります。不要となった写しは貴施設にて削除・廃棄してください。', { width: 495 });
  footer(doc, notice.id);
  doc.end();
  return done;
}

/** 同意書 (the patient's consent form) and 院内掲示 (the facility's poster), blank to print. */
export function renderExchangeConsentFormPdf(kind: 'consent-form' | 'poster', networkName: string): Promise<Buffer> {
  const title = kind === 'consent-form' ? '医療情報連携に関する同意書' : '地域医療連携ネットワークに参加しています';
  const { doc, done } = fixedDocument(title, new Date('2026-01-01T00:00:00Z'));
  heading(doc, title, networkName);
  doc.font('body').fontSize(11);
  if (kind === 'consent-form') {
    doc.text('私（または私が保護者である患者）の診療に必要な範囲で、画像・紹介状・検査結果などの医療情報を、連携先の医療機関との間で Renkei を通じて共有することに同意します。共有された情報は送信から1年で削除されます。同意はいつでも撤回でき、撤回しても診療上の不利益はありません。', { width: 495 });
    doc.moveDown(2);
    for (const line of ['同意日　　　　年　　月　　日', '患者氏名', '保護者氏名（未成年の場合）　　　　　　　続柄', '説明者（職員氏名）']) {
      doc.text(`${line}`).moveDown(0.2).moveTo(50, doc.y).lineTo(545, doc.y).stroke().moveDown(1);
    }
  } else {
    doc.fontSize(14).text('当院は、地域の病院・診療所と画像や紹介状などの診療情報を安全に共有するネットワークに参加しています。', { width: 495 });
    doc.moveDown(1).fontSize(12).text('・情報の共有は、患者さんの同意をいただいた場合に限ります。\n・共有された情報は送信から1年で自動的に削除されます。\n・削除のご希望、ご質問は受付または地域連携室までお申し出ください。', { width: 495 });
  }
  doc.end();
  return done;
}
