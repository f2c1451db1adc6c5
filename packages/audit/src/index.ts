export { appendAudit, canonicalJson, verifyAuditTrail, type AuditEntry, type AuditVerification } from './audit-trail.js';
