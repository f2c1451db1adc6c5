export { ExchangeService, consentRequired, exchangeNotFound, jstDate, retentionDays, type ExchangeServiceDeps } from './exchange-service.js';
export { ExchangeMailer, noticeMail, queueNotices, retryDelayMs, type MailerOptions, type NoticeKind } from './mail-notices.js';
export { studiesNotStored, type ExchangeStudies } from './studies.js';
export { exchangeStats, exchangeStatsCsv } from './statistics.js';
export { deleteItems, runRetention, scheduleRetention, type RetentionDeps } from './retention.js';
export { carryOutDeletion, deletionNoticePdf, previewDeletion, type DeletionDeps, type DeletionPreview } from './deletion-requests.js';
export { exchangeIdUsage } from './id-usage.js';
