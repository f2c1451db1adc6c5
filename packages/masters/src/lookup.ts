import type { Db } from '@renkei/store';
import { MASTER_KINDS, type MasterEntry, type MasterKind } from './model.js';

export interface MasterRequest {
  kind: MasterKind;
  code: string;
  /** The 診療年月 of the receipt, YYYY-MM. */
  month: string;
}

export interface MasterLookup {
  /**
   * Resolves every request in one query. The map is keyed by masterKey(); a
   * code no master knows is absent (show "unknown code" for it).
   */
  describe(requests: readonly MasterRequest[]): Promise<Map<string, MasterEntry>>;
}

/** The key of a request in the map describe() returns: `${kind}:${code}:${month}`. */
export function masterKey(request: MasterRequest): string {
  return `${request.kind}:${request.code}:${request.month}`;
}

interface EntryRow {
  key: string;
  name: string;
  kana: string | null;
  icd10: string | null;
  section: string | null;
  yj_code: string | null;
  generic_name: string | null;
  unit: string | null;
  dosage_form: string | null;
  modifier_position: MasterEntry['modifierPosition'];
}

/**
 * Names codes as they were in a given month. Per code it takes an official
 * entry over a demo one, then the version valid on the first day of the
 * month, else the version nearest in time (a code used before it was listed,
 * or after it was abolished, still gets a name).
 *
 * @example
 *   const entries = await createMasterLookup(db).describe([{ kind: 'b', code: '2500013', month: '2024-07' }]);
 *   entries.get('b:2500013:2024-07')?.icd10; // 'E14'
 */
export function createMasterLookup(db: Db): MasterLookup {
  return {
    async describe(requests) {
      const unique = new Map(requests.map((request) => [masterKey(request), request]));
      for (const request of unique.values()) {
        if (!MASTER_KINDS.includes(request.kind)) throw new Error(`"${request.kind}" is not a master kind (${MASTER_KINDS.join(', ')})`);
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(request.month)) throw new Error(`month "${request.month}" is not YYYY-MM`);
      }
      const entries = new Map<string, MasterEntry>();
      if (unique.size === 0) return entries;
      const list = [...unique.values()];
      const { rows } = await db.query<EntryRow>(
        `SELECT r.kind || ':' || r.code || ':' || r.month AS key, e.*
         FROM unnest($1::text[], $2::text[], $3::text[]) AS r (kind, code, month)
         CROSS JOIN LATERAL (
           SELECT m.name, m.kana, m.icd10, m.section, m.yj_code, m.generic_name, m.unit, m.dosage_form, m.modifier_position
           FROM master_entries m, (SELECT (r.month || '-01')::date) AS d (day)
           WHERE m.kind = r.kind::char(1) AND m.code = r.code
           ORDER BY m.source = 'official' DESC,
                    -- days between that day and the version's validity: 0 when valid on it
                    greatest(m.valid_from - d.day, d.day - m.valid_to + 1, 0),
                    m.valid_from DESC
           LIMIT 1
         ) e`,
        [list.map((r) => r.kind), list.map((r) => r.code), list.map((r) => r.month)],
      );
      for (const row of rows) {
        entries.set(row.key, {
          name: row.name,
          kana: row.kana,
          icd10: row.icd10,
          section: row.section,
          yjCode: row.yj_code,
          genericName: row.generic_name,
          unit: row.unit,
          dosageForm: row.dosage_form,
          modifierPosition: row.modifier_position,
        });
      }
      return entries;
    },
  };
}

/**
 * A lookup that remembers answers for a while: a server names the same codes
 * for patient after patient, and masters change a few times a year. An import
 * shows in a running server within `ttlMs`. Codes no master knows are
 * remembered too, so they are not asked for again and again.
 */
export function createCachingMasterLookup(db: Db, options: { ttlMs?: number; maxEntries?: number } = {}): MasterLookup {
  const inner = createMasterLookup(db);
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 200_000;
  let cache = new Map<string, MasterEntry | null>();
  let expiresAt = 0;
  return {
    async describe(requests) {
      const now = Date.now();
      if (now >= expiresAt || cache.size > maxEntries) {
        cache = new Map();
        expiresAt = now + ttlMs;
      }
      const missing = requests.filter((r) => !cache.has(masterKey(r)));
      if (missing.length > 0) {
        const found = await inner.describe(missing);
        for (const r of missing) cache.set(masterKey(r), found.get(masterKey(r)) ?? null);
      }
      const entries = new Map<string, MasterEntry>();
      for (const r of requests) {
        const entry = cache.get(masterKey(r));
        if (entry) entries.set(masterKey(r), entry);
      }
      return entries;
    },
  };
}
