export { seedDemoClaims } from './demo-claims.js';
export { credentialsFile, readDemoCredentials, seedDemoNetwork, type DemoCredentials } from './demo-network.js';
export { issueTerminal, type IssuedTerminal } from './terminals.js';
export * from './participants/index.js';
export { seedDemoParticipants } from './demo-participants.js';
