export { applyCorrections } from './corrections.js';
export { historyEvents, sectionFromCode, type EventCategory, type HistoryEvent, type SectionOf } from './history-events.js';
export { ingestClaimFile, ingestClaimFiles, type IngestOptions, type IngestResult } from './ingest-claim-file.js';
export { loadSections } from './sections.js';
