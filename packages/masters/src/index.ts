export { diagnosisDisplayName, type Modifier, UNCODED_DIAGNOSIS_CODE } from './display-name.js';
export { type ImportOptions, importMasters, type MasterFileSummary } from './import.js';
export { type Column, LAYOUTS, type MasterLayout } from './layouts.js';
export { createCachingMasterLookup, createMasterLookup, type MasterLookup, masterKey, type MasterRequest } from './lookup.js';
export { MasterFileError } from './master-file-error.js';
export { type MasterFileName, recognizeMasterFile } from './master-file-name.js';
export { MASTER_KINDS, type MasterEntry, type MasterKind, type MasterRecord, type ModifierPosition, type RecordRole } from './model.js';
export { readMasterFile } from './readers/master-file.js';
export { importVocabulary, type VocabularyEntry } from './vocabulary.js';
