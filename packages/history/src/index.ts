export { buildHistory, unknownCodeName, type ActItem, type DiagnosisItem, type Describe, type FacilityRef, type MasterName, type MedicationItem, type Outcome, type PersonHistory } from './build-history.js';
export { readHistory } from './person-history.js';
export { readEvents, type EventRecord } from './read-events.js';
