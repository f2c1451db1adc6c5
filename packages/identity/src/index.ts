export { decryptField, encryptField } from './field-crypto.js';
export { IdentityCache, type StoredEnrollment } from './identity-cache.js';
export { findPersonByMember, type MemberQuery, type PersonMatch } from './find-person.js';
export { birthDateHash, holderKeyHash, memberKeyHash, nameHash, normalizeKeyPart, type Member } from './member-key.js';
export { PersonRegistry, type PersonObservation } from './person-registry.js';
export { enrollmentPseudonym, personPseudonym, pseudonymsOfPerson } from './pseudonym.js';
export { readPersonRecord, type PersonRecord } from './person-record.js';
export { findCandidates, type Candidate, type CandidateQuery } from './find-candidates.js';
export { linkedPersonIds, linkPersons, undoLink, type LinkResult } from './person-links.js';
