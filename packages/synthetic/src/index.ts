/**
 * @renkei/synthetic: deterministic, realistic UKE claims files (医科, DPC and
 * 調剤) for a synthetic population in Kagawa, for the demo, tests and benchmarks.
 */
export { generateClaims, type GenerateOptions, type GenerateResult } from './generate.js';
export { loadMasterNames, type MasterNames } from './master-names.js';
export { demoVocabulary, usages, type Usage, type VocabularyEntry, type VocabularyKind } from './vocabulary.js';
export { facilities, type Facility } from './facilities.js';
export { encodeCp932 } from './uke-writer.js';
/** The record layouts, for hand-written claims (the demo's showcase patients, tests). */
export {
  buRecord,
  cdRecord,
  czRecord,
  goRecord,
  irRecord,
  medicalHoRecord,
  medicalIyRecord,
  medicalReRecord,
  pharmacyHoRecord,
  pharmacyIyRecord,
  pharmacyReRecord,
  sbRecord,
  shRecord,
  siRecord,
  snRecord,
  syRecord,
  ykRecord,
} from './layout.js';
