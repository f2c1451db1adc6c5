export { applyCorrections, planCorrections, type CorrectionPlan } from './corrections.js';
export { historyEvents, sectionFromCode, type EventCategory, type HistoryEvent, type SectionOf } from './history-events.js';
export { IncompleteDeliveryError, ingestClaimFile, ingestClaimFiles, type IngestOptions, type IngestPlan, type IngestResult } from './ingest-claim-file.js';
export { undoIngest, UndoRefusedError, type UndoResult } from './undo-ingest.js';
export { loadSections } from './sections.js';
