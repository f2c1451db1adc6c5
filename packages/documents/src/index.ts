export { documentFonts, FONT_DIR, FONT_FILES } from './fonts.js';
export { renderSummaryPdf, type SummaryPrintContext } from './summary-pdf.js';
export { renderCardPdf, type CardPrint } from './card-pdf.js';
export { renderAccessLogPdf, type AccessLogPrint } from './access-log-pdf.js';
export { formatYen, renderFeeListPdf, renderFeeStatementPdf, type FeePrintContext } from './fee-pdf.js';
export {
  formatJstMinute,
  renderDeletionNoticePdf,
  renderExchangeAddendumPdf,
  renderExchangeConsentFormPdf,
  renderExchangeLetterPdf,
  renderExchangeReportPdf,
  renderExchangeStatsPdf,
  type DeletionNotice,
  type ExchangeAddendum,
  type ExchangeAddendumDocument,
  type ExchangeDocumentParty,
  type ExchangeDocumentPatient,
  type ExchangeLetter,
  type ExchangeReportDocument,
  type ExchangeReportKeyImage,
} from './exchange-pdf.js';
