export { modulus10Weights21 } from './check-digit.js';
export { FACILITY_CODE_PROBLEMS, parseFacilityCode, scoreTableOf, type FacilityCode, type ScoreTable } from './facility-code.js';
export { feeList, feeListCsv, feeStatement, feeStatementCsv } from './fee-statements.js';
export { MONTHLY_BASE_FEE_YEN, monthDays, monthlyFeeYen, participatedIn, statusOn, type StatusChange } from './fees.js';
export { INSURER_KINDS, INSURER_NUMBER_PROBLEMS, parseInsurerNumber, type InsurerKind } from './insurer-number.js';
export * from './participants.js';
export { canChangeStatus, checkFacilityStatusChange, FACILITY_STATUS_PROBLEMS, PARTICIPANT_STATUSES, todayInJapan, type ParticipantStatus } from './status-rules.js';
export { KAGAWA_INSURERS } from './kagawa-insurers.js';
