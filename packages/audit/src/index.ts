export { appendAudit, appendAuditBatch, canonicalJson, verifyAuditTrail, type AuditEntry, type AuditVerification } from './audit-trail.js';
export { AuditWriter } from './audit-writer.js';
