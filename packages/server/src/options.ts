import { DEFAULT_ACCESS_POLICY, type AccessPolicy, type NetworkCa } from '@renkei/access';
import { unusedAccountDays } from '@renkei/admin';
import { AuditWriter } from '@renkei/audit';
import { createCachingMasterLookup, type MasterLookup } from '@renkei/masters';
import type { ServerKeys, Stores } from '@renkei/store';
import { HistoryCache } from './history-cache.js';
import { PersonCache } from './person-cache.js';

export interface ServerOptions {
  stores: Stores;
  keys: ServerKeys;
  /** Production never accepts a connection without a terminal certificate; demo accepts loopback as the demo terminal. */
  mode: 'production' | 'demo';
  /** The registered terminal that loopback connections stand for, in demo mode only. */
  demoTerminalSerial?: string;
  /**
   * A fronting proxy that checks client certificates itself and passes the result
   * in X-SSL-Client-Verify and X-SSL-Client-Serial. Those headers are believed
   * from this address only.
   */
  trustedProxyAddress?: string;
  policy?: AccessPolicy;
  /** The network CA, to issue and renew terminal certificates from the administration console. */
  networkCa?: NetworkCa;
  /** Staff IDs unused this many days are flagged for review (default: RENKEI_UNUSED_ACCOUNT_DAYS, else 90). */
  unusedAccountDays?: number;
  /** The built web app, served at /. */
  webRoot?: string;
  logger?: boolean;
}

export type ResolvedOptions = ServerOptions & { policy: AccessPolicy; unusedAccountDays: number; audit: AuditWriter; masters: MasterLookup; histories: HistoryCache; persons: PersonCache };

/** Fails at start, not on the first request, when the options do not fit together. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (options.mode === 'demo' && !options.demoTerminalSerial) throw new Error('demo mode needs the demo terminal (demoTerminalSerial)');
  if (options.mode === 'production' && options.demoTerminalSerial) throw new Error('production mode never stands in a demo terminal for loopback connections');
  return {
    ...options,
    policy: options.policy ?? DEFAULT_ACCESS_POLICY,
    unusedAccountDays: options.unusedAccountDays ?? unusedAccountDays(),
    audit: new AuditWriter(options.stores.clinical, options.keys.audit),
    masters: createCachingMasterLookup(options.stores.clinical),
    histories: new HistoryCache(options.stores.clinical),
    persons: new PersonCache(options.stores.identity, options.keys),
  };
}
