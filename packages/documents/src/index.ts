export { BIZ_UD_GOTHIC, BIZ_UD_GOTHIC_BOLD, trueTypeOf } from './fonts.js';
export { renderSummaryPdf, type SummaryPrintContext } from './summary-pdf.js';
export { renderCardPdf, type CardPrint } from './card-pdf.js';
export { formatYen, renderFeeListPdf, renderFeeStatementPdf, type FeePrintContext } from './fee-pdf.js';
