export { buildHistory, filterEvents, filterHistory, RECENT_MONTHS, unknownCodeName, type ActItem, type DiagnosisItem, type Describe, type FacilityRef, type HistoryFilter, type HistoryPeriod, type MasterName, type MedicationItem, type Outcome, type PersonHistory } from './build-history.js';
export { readHistory } from './person-history.js';
export { hasClaimsFrom, readEvents, type EventRecord } from './read-events.js';
export { COVID_RISK_GROUPS } from './covid-risk-groups.js';
export { inIcd10Range, matchDiseaseGroups, type PatientFacts } from './disease-groups.js';
export { CHIEF_COMPLAINTS, findChiefComplaint, normalizeQuery, searchChiefComplaint, type ChiefComplaint } from './chief-complaints.js';
export { addDiseaseGroup, listDiseaseGroups } from './disease-group-store.js';
export { findDuplicateTherapy, THERAPEUTIC_GROUPS } from './duplicate-therapy.js';
