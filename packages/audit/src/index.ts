export { appendAudit, appendAuditBatch, canonicalJson, readChainHead, verifyAuditTrail, type AuditEntry, type AuditVerification } from './audit-trail.js';
export { assertStorableEntry, InvalidAuditText } from './audit-text.js';
export { AuditWriter } from './audit-writer.js';
