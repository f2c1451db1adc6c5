export { seedDemoClaims } from './demo-claims.js';
export { credentialsFile, readDemoCredentials, seedDemoNetwork, type DemoCredentials } from './demo-network.js';
export { seedDemoParticipants } from './demo-participants.js';
export { SHOWCASE_CHILD, SHOWCASE_ELDER, SHOWCASE_OLDEST, SHOWCASE_STAY, seedShowcasePatients, type ShowcasePatient } from './showcase-patients.js';
