export { AdminRefusal, credentialRefusal, type CredentialRefusalCode, type RefusalKind } from './admin-refusal.js';
export { readablePassword } from './one-time-password.js';
export { certifyTerminalOf, issueTerminal, listTerminals, registerIssuedTerminal, renewTerminal, revokeTerminalInScope, SECRETARIAT_NAME, type IssuedTerminal, type TerminalListing, type TerminalStatus } from './terminals.js';
export {
  changeOwnEmail,
  changeOwnPassword,
  DEFAULT_UNUSED_ACCOUNT_DAYS,
  isUnused,
  issueUser,
  listUsers,
  newPasswordProblem,
  readOwnSettings,
  resetUserPassword,
  setUserActive,
  unusedAccountDays,
  type NewStaffId,
  type UserListing,
} from './users.js';
export * from './participants/index.js';
export { applyForUser, decideUserApplication, listUserApplications, type UserApplication, type UserApplicationRequest } from './user-applications.js';
export { listReviewItems, type ReviewItem, type ReviewKind } from './reviews.js';
