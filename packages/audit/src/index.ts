export { appendAudit, appendAuditBatch, appendAuditInTransaction, canonicalJson, readChainHead, verifyAuditTrail, type AuditEntry, type AuditVerification } from './audit-trail.js';
export { AuditLog, type AuditActor, type AuditEvent, type AuditLogKeys, type AuditLogStores, type ChangeEvent } from './audit-log.js';
export { AuditWriter } from './audit-writer.js';
export { readPatientTrail, type PatientTrailRecord } from './patient-trail.js';
export { assertStorableEntry, InvalidAuditText } from './audit-text.js';
export { AuditCheckpoints, type AuditCheckpointsOptions } from './audit-checkpoints.js';
export { type AuditCheckpoint } from './checkpoint.js';
export { auditCheckpointFile } from './checkpoint-file.js';
export { verifyAnchoredAuditTrail, type AnchoredAuditOptions, type AnchoredAuditVerification } from './verify-checkpoints.js';
