export { adminScope, facilityRequired, scopeCoversFacility, scopeCoversUser, scopeMayGrantRole, type AdminScope, type Administrator } from './admin-permissions.js';
export { AdminRefusal, credentialRefusal, type CredentialRefusalCode, type RefusalKind } from './admin-refusal.js';
export { seedDemoClaims } from './demo-claims.js';
export { credentialsFile, readDemoCredentials, seedDemoNetwork, type DemoCredentials } from './demo-network.js';
export { readablePassword } from './one-time-password.js';
export { issueTerminal, listTerminals, renewTerminal, revokeTerminalInScope, type IssuedTerminal, type TerminalListing, type TerminalStatus } from './terminals.js';
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
export { seedDemoParticipants } from './demo-participants.js';
