export { appendAudit, appendAuditBatch, appendAuditInTransaction, canonicalJson, verifyAuditTrail, type AuditEntry, type AuditVerification } from './audit-trail.js';
export { AuditLog, type AuditActor, type AuditEvent, type AuditLogKeys, type AuditLogStores, type ChangeEvent } from './audit-log.js';
export { AuditWriter } from './audit-writer.js';
export { readPatientTrail, type PatientTrailRecord } from './patient-trail.js';
