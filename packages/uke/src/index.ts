export * from './model.js';
export { ClaimFileParser, hasModifier, type ClaimFileItem, type ParseOptions } from './claim-file-parser.js';
export { parseClaimFile } from './parse.js';
export { payersOf, type Payer } from './burden.js';
export { UkeFormatError, type UkeErrorLocation } from './errors.js';
export { daysInMonth, parseUkeDate, parseUkeMonth } from './dates.js';
export { LineDecoder, type Encoding } from './lines.js';
export { dentalLayouts, knownRecordIds, medicalLayouts, pharmacyLayouts, type FieldSpec, type FieldType, type RecordLayout } from './layouts.js';
