export { HistoryCache } from './history-cache.js';
export { PersonCache } from './person-cache.js';
export { accessNotFound, ageOn, PatientRecords, type OpenPatientRecords, type PatientRecordsDeps, type Person } from './patient-records.js';
