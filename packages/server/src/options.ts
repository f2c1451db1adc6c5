import { DEFAULT_ACCESS_LIMITS, fixedJpkiTrust, RATE_LIMITS, studyTokenKey, type AccessLimits, type RateLimits, type JpkiTrustSource, type NetworkCa } from '@renkei/access';
import { unusedAccountDays } from '@renkei/admin';
import { AuditLog } from '@renkei/audit';
import { documentFonts } from '@renkei/documents';
import { createCachingMasterLookup, type MasterLookup } from '@renkei/masters';
import type { ServerKeys, Stores } from '@renkei/store';
import { PatientRecords } from '@renkei/records';
import { AnonymousRefusalSampler } from './request-audit.js';
import { ImageArchive, ImageStudies, type BlobStore } from '@renkei/imaging';
import { ExchangeService, retentionDays, type ExchangeStudies } from '@renkei/exchange';

export interface ServerOptions {
  stores: Stores;
  keys: ServerKeys;
  /** Production never accepts a connection without a terminal certificate; demo accepts loopback as the demo terminal. */
  mode: 'production' | 'demo';
  /**
   * The registered terminals that loopback connections stand for, in demo mode
   * only: the first until someone logs in, then the one of the user's facility
   * (or the secretariat's, for an operator).
   */
  demoTerminals?: Array<{ serial: string; facilityCode: string | null; name: string }>;
  /**
   * A fronting proxy that checks client certificates itself and passes the result
   * in X-SSL-Client-Verify and X-SSL-Client-Serial. Those headers are believed
   * from this address only.
   */
  trustedProxyAddress?: string;
  limits?: AccessLimits;
  /** Requests allowed per terminal, user or address and minute, by kind (RATE_LIMITS unless given). */
  rateLimits?: RateLimits;
  /** The JPKI CAs and CRLs My Number cards are checked against; without them, My Number cards are not accepted. */
  jpki?: JpkiTrustSource;
  /** Where the web app finds the card helper on the terminal PC (default http://127.0.0.1:18411). */
  cardHelperUrl?: string;
  /** The network CA, to issue and renew terminal certificates from the administration console. */
  networkCa?: NetworkCa;
  /** Staff IDs unused this many days are flagged for review (default: RENKEI_UNUSED_ACCOUNT_DAYS, else 90). */
  unusedAccountDays?: number;
  /** The built web app, served at /. */
  webRoot?: string;
  logger?: boolean;
  /** The network's prefecture (都道府県番号, 2 digits): facilities elsewhere join only with the steering committee's approval. Kagawa (37) if not given. */
  networkPrefecture?: string;
  /** The network's name as printed on statements. */
  networkName?: string;
  /** Where image blobs are kept (encrypted); without it the DICOMweb routes answer that images are not set up. */
  imageBlobs?: BlobStore;
  /** Where resumable uploads wait, sealed, until their last byte (DATA/uploads); without it the upload routes answer that uploads are not set up. */
  uploadDir?: string;
  /** An upload not finished this long after it began is removed, bytes and record (default a day). */
  uploadExpiresMs?: number;
  /** Exchange items are kept this many days from sending (default: RENKEI_RETENTION_DAYS, else 365). */
  retentionDays?: number;
  /** Releases the studies of deleted exchange items; by default the image store's, when `imageBlobs` is given. */
  studies?: ExchangeStudies;
}

/** The card helper's default port (see @renkei/card-helper). */
const DEFAULT_CARD_HELPER_URL = 'http://127.0.0.1:18411';

export type ResolvedOptions = ServerOptions & {
  networkPrefecture: string;
  networkName: string;
  limits: AccessLimits;
  rateLimits: RateLimits;
  unusedAccountDays: number;
  jpki: JpkiTrustSource;
  cardHelperUrl: string;
  audit: AuditLog;
  masters: MasterLookup;
  records: PatientRecords;
  anonymousRefusals: AnonymousRefusalSampler;
  images: ImageArchive | undefined;
  exchange: ExchangeService;
  retentionDays: number;
  uploadExpiresMs: number;
  /** The key study tokens are made and checked with. */
  studyTokenKey: Buffer;
};

/** Fails at start, not on the first request, when the options do not fit together. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (options.mode === 'demo' && !options.demoTerminals?.length) throw new Error('demo mode needs the demo terminals (demoTerminals)');
  if (options.mode === 'production' && options.demoTerminals) throw new Error('production mode never stands in a demo terminal for loopback connections');
  const networkPrefecture = options.networkPrefecture ?? '37';
  if (!/^\d{2}$/.test(networkPrefecture) || Number(networkPrefecture) < 1 || Number(networkPrefecture) > 47) {
    throw new Error(`the network's prefecture must be a 都道府県番号 01–47, not "${networkPrefecture}"`);
  }
  // Every document is a PDF in BIZ UDGothic: without the font the server would fail on the first one.
  documentFonts();
  const limits = options.limits ?? DEFAULT_ACCESS_LIMITS;
  const audit = new AuditLog(options.stores, options.keys);
  const masters = createCachingMasterLookup(options.stores.clinical);
  const networkName = options.networkName ?? 'Renkei 地域医療連携ネットワーク';
  const retention = options.retentionDays ?? retentionDays();
  const images = options.imageBlobs ? new ImageArchive(options.stores, options.keys, options.imageBlobs) : undefined;
  // With an image store, deleting an exchange item releases its studies there (unless the caller wires its own).
  const studies = options.studies ?? (images ? new ImageStudies(images) : undefined);
  return {
    ...options,
    networkPrefecture,
    networkName,
    retentionDays: retention,
    uploadExpiresMs: options.uploadExpiresMs ?? 24 * 60 * 60 * 1000,
    studyTokenKey: studyTokenKey(options.keys.encryption),
    limits,
    rateLimits: options.rateLimits ?? RATE_LIMITS,
    jpki: options.jpki ?? fixedJpkiTrust(undefined),
    cardHelperUrl: options.cardHelperUrl ?? DEFAULT_CARD_HELPER_URL,
    unusedAccountDays: options.unusedAccountDays ?? unusedAccountDays(),
    audit,
    masters,
    records: new PatientRecords({ stores: options.stores, keys: options.keys, audit, masters, limits }),
    anonymousRefusals: new AnonymousRefusalSampler(),
    images,
    studies,
    exchange: new ExchangeService({ stores: options.stores, keys: options.keys, audit, retentionDays: retention, networkName, ...(studies ? { studies } : {}) }),
  };
}
