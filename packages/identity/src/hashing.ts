/**
 * What the ingest's build worker needs of the identity store: keyed hashes and
 * pseudonyms computed in memory, and nothing that opens a database. A worker
 * that imported the package's index would load both database drivers first,
 * once per ingest run.
 */
export { IdentityCache, type StoredEnrollment } from './identity-cache.js';
export { ObservationFilter } from './observation-filter.js';
