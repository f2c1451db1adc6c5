export { Batches } from './batches.js';
export { resolveConfig, type RenkeiConfig } from './config.js';
export { copyArray, copyRow, copyValue, type Db, type QueryResult } from './db.js';
export { timeOrderedId } from './ids.js';
export { deriveServerKeys, KEY_FILE, loadServerKeys, type ServerKeys } from './keys.js';
export { migrate, type StoreName } from './migrations.js';
export { dumpPglite, openPglite } from './pglite-db.js';
export { openPostgres } from './postgres-db.js';
export { openStores, type Stores } from './stores.js';
