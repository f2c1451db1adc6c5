import { createMasterLookup, type MasterLookup } from '@renkei/masters';
import type { Db } from '@renkei/store';
import { buildHistory, type MasterName, type PersonHistory } from './build-history.js';
import { readEvents } from './read-events.js';

/**
 * The history of the persons behind `pseudonyms` (one person may have several
 * once enrollments are linked), with names from the masters valid at each month.
 * Callers check access and write the audit record. A server passes a caching lookup.
 */
export async function readHistory(clinical: Db, pseudonyms: readonly string[], lookup: MasterLookup = createMasterLookup(clinical)): Promise<PersonHistory> {
  const events = await readEvents(clinical, pseudonyms);
  const requests = new Map<string, { kind: 'b' | 'z' | 's' | 'y' | 't'; code: string; month: string }>();
  const want = (kind: 'b' | 'z' | 's' | 'y' | 't', code: string, month: string) => requests.set(`${kind}:${code}:${month}`, { kind, code, month });
  for (const e of events) {
    want(e.code_kind, e.code, e.service_month);
    for (let i = 0; e.modifiers && i + 4 <= e.modifiers.length; i += 4) want('z', e.modifiers.slice(i, i + 4), e.service_month);
  }
  const entries: Map<string, MasterName> = requests.size === 0 ? new Map() : await lookup.describe([...requests.values()]);
  return buildHistory(events, (kind, code, month) => entries.get(`${kind}:${code}:${month}`));
}
