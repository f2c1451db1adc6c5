/**
 * QIDO-RS searches (PS3.18 §10.6) over the index: studies, a study's series,
 * a series' instances. Matching: single values, lists (UID lists), `*` and
 * `?` wildcards, date ranges, ModalitiesInStudy, and the patient's name, ID
 * and birth date, which are found in the identity store (encrypted there)
 * and never reach the clinical store's queries but as pseudonyms.
 */
import { gunzipSync } from 'node:zlib';
import type { Actor } from '@renkei/access';
import { decryptField } from '@renkei/identity';
import type { Db, ServerKeys, Stores } from '@renkei/store';
import dcmjs from 'dcmjs';
import { DicomRefusal } from '../parse/read-instance.js';
import type { DicomJson } from '../parse/dicom-json.js';
import { patientIdHash } from '../store/image-archive.js';
import { patientElements, searchableFacilities, visibleStudy, type SharedStudies } from './study-access.js';

/** A query string as Fastify hands it over. */
export type QueryParams = Record<string, string | string[] | undefined>;

export class QidoError extends DicomRefusal {}

const nameMap = (dcmjs as { data: { DicomMetaDictionary: { nameMap: Record<string, { tag: string } | undefined> } } }).data.DicomMetaDictionary.nameMap;

/** A keyword (PatientName) or a tag (00100010) as a tag; undefined if neither. */
export function tagOf(key: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(key)) return key.toUpperCase();
  const hex = nameMap[key]?.tag.replace(/[(),]/g, '').toUpperCase();
  return hex && /^[0-9A-F]{8}$/.test(hex) ? hex : undefined;
}

const PATIENT_NAME = '00100010';
const PATIENT_ID = '00100020';
const BIRTH_DATE = '00100030';
const STUDY_UID = '0020000D';
const SERIES_UID = '0020000E';
const SOP_UID = '00080018';
const STUDY_DATE = '00080020';
const MODALITIES = '00080061';
const MODALITY = '00080060';
const ACCESSION = '00080050';
const CONTROL = new Set(['limit', 'offset', 'includefield', 'fuzzymatching']);
const MAX_LIMIT = 1000;

interface Parsed {
  filters: Map<string, string>;
  include: Set<string> | 'all';
  limit: number;
  offset: number;
  fuzzy: boolean;
}

function parse(params: QueryParams): Parsed {
  const filters = new Map<string, string>();
  const include = new Set<string>();
  let all = false;
  let limit = MAX_LIMIT;
  let offset = 0;
  let fuzzy = false;
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    const values = [raw].flat();
    if (key === 'includefield') {
      for (const value of values.flatMap((v) => v.split(','))) {
        if (value === 'all') all = true;
        else {
          const tag = tagOf(value.trim());
          if (!tag) throw new QidoError('not-dicom', `includefield ${value} is not an attribute`);
          include.add(tag);
        }
      }
    } else if (key === 'limit' || key === 'offset') {
      const n = Number(values[0]);
      if (!Number.isInteger(n) || n < 0) throw new QidoError('not-dicom', `${key} must be a whole number, not ${values[0]}`);
      if (key === 'limit') limit = Math.min(n, MAX_LIMIT);
      else offset = n;
    } else if (key === 'fuzzymatching') {
      fuzzy = values[0] === 'true';
    } else if (!CONTROL.has(key)) {
      const tag = tagOf(key.split('.')[0]!);
      if (!tag) throw new QidoError('not-dicom', `${key} is not an attribute to search by`);
      filters.set(tag, values[values.length - 1]!);
    }
  }
  return { filters, include: all ? 'all' : include, limit, offset, fuzzy };
}

/** A DICOM wildcard value (`*`, `?`) as a SQL LIKE pattern. */
function likePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}
const hasWildcard = (value: string) => /[*?]/.test(value);

/** A wildcard match in JavaScript, for values decrypted from the identity store. */
function wildcardMatch(value: string, pattern: string, caseInsensitive: boolean): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u').test(value);
}

/** A date or a range (`20260101-20260331`, `-20260331`, `20260101-`) as [from, to], YYYYMMDD. */
function dateRange(value: string): [string | null, string | null] {
  const match = /^(\d{8})?(-)?(\d{8})?$/.exec(value.replace(/(\d{4})-(\d{2})-(\d{2})/g, '$1$2$3'));
  if (!match || (!match[1] && !match[3])) throw new QidoError('not-dicom', `${value} is not a date or a date range (YYYYMMDD-YYYYMMDD)`);
  return match[2] ? [match[1] ?? null, match[3] ?? null] : [match[1]!, match[1]!];
}

class Sql {
  readonly where: string[] = [];
  readonly params: unknown[] = [];
  add(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** A generic match on an attribute of a level's `attributes` (its first value's text). */
function attributeMatch(sql: Sql, column: string, tag: string, value: string): void {
  if (value === '') return;
  const path = `${column}->'${tag}'->'Value'->>0`;
  if (hasWildcard(value)) sql.where.push(`${path} LIKE ${sql.add(likePattern(value))}`);
  else if (value.includes('\\')) sql.where.push(`${path} = ANY(${sql.add(value.split('\\'))}::text[])`);
  else sql.where.push(`${path} = ${sql.add(value)}`);
}

function uidMatch(sql: Sql, column: string, value: string): void {
  sql.where.push(`${column} = ANY(${sql.add(value.split(/[\\,]/).map((v) => v.trim()))}::text[])`);
}

export interface SearchContext {
  stores: Stores;
  keys: ServerKeys;
  viewer: Actor;
  /** Where retrieves are sent: https://host (RetrieveURL is this plus the resource's path). */
  baseUrl: string;
  /** The studies shared with the viewer through exchange items, if the exchange is wired in. */
  shared?: SharedStudies;
}

/** The pseudonyms whose identifying elements match the patient filters; undefined when there are none. */
async function matchingPatients(context: SearchContext, filters: Map<string, string>, fuzzy: boolean, shared: readonly string[]): Promise<string[] | undefined> {
  const name = filters.get(PATIENT_NAME);
  const id = filters.get(PATIENT_ID);
  const birth = filters.get(BIRTH_DATE);
  if (!name && !id && !birth) return undefined;
  const facilities = searchableFacilities(context.viewer);
  // The patients of studies shared with the viewer, as their storing facility identified them.
  const others =
    shared.length === 0
      ? []
      : (await context.stores.clinical.query<{ patient_pseudonym: string; facility_code: string }>('SELECT patient_pseudonym, facility_code FROM imaging_studies WHERE study_uid = ANY($1::text[])', [shared])).rows;
  const pseudonyms = others.map((r) => r.patient_pseudonym);
  if (id && !hasWildcard(id) && !name && !birth) {
    const hashes = [...new Set([...facilities, ...others.map((r) => r.facility_code.trim())])].map((f) => patientIdHash(context.keys.lookup, f, id));
    const { rows } = await context.stores.identity.query<{ pseudonym: string }>(
      'SELECT pseudonym FROM imaging_patients WHERE (facility_code = ANY($1::text[]) OR pseudonym = ANY($3::uuid[])) AND patient_id_hash = ANY($2::text[])',
      [facilities, hashes, pseudonyms],
    );
    return rows.map((r) => r.pseudonym);
  }
  // Names and birth dates are encrypted: the facility's patients (and the shared studies') are decrypted and matched here.
  const { rows } = await context.stores.identity.query<{ pseudonym: string; patient_id_enc: Uint8Array; name_enc: Uint8Array | null; birth_date_enc: Uint8Array | null }>(
    'SELECT pseudonym, patient_id_enc, name_enc, birth_date_enc FROM imaging_patients WHERE facility_code = ANY($1::text[]) OR pseudonym = ANY($2::uuid[])',
    [facilities, pseudonyms],
  );
  const key = context.keys.encryption;
  const [from, to] = birth ? dateRange(birth) : [null, null];
  return rows
    .filter((row) => {
      if (id && !wildcardMatch(decryptField(key, row.patient_id_enc), id, false)) return false;
      if (birth) {
        const date = row.birth_date_enc ? decryptField(key, row.birth_date_enc) : '';
        if (!date || (from && date < from) || (to && date > to)) return false;
      }
      if (name) {
        const groups = row.name_enc ? Object.values(JSON.parse(decryptField(key, row.name_enc)) as Record<string, string>) : [];
        if (!groups.some((group) => nameMatches(group, name, fuzzy))) return false;
      }
      return true;
    })
    .map((r) => r.pseudonym);
}

/** PatientName matching: wildcards, case-insensitive; fuzzy: any name component starting with the value. */
function nameMatches(group: string, value: string, fuzzy: boolean): boolean {
  if (wildcardMatch(group, value, true)) return true;
  return fuzzy && !hasWildcard(value) && group.split(/[\^ ]/).some((part) => part.toLowerCase().startsWith(value.toLowerCase()));
}

/** Includefield values not kept in the index, from the first instance's metadata. */
async function firstInstanceMetadata(clinical: Db, column: 'study_uid' | 'series_uid', uid: string): Promise<DicomJson> {
  const { rows } = await clinical.query<{ metadata_gz: Uint8Array }>(`SELECT metadata_gz FROM imaging_instances WHERE ${column} = $1 ORDER BY instance_number NULLS LAST, sop_instance_uid LIMIT 1`, [uid]);
  return rows[0] ? (JSON.parse(gunzipSync(rows[0].metadata_gz).toString('utf8')) as DicomJson) : {};
}

function withIncluded(answer: DicomJson, include: Parsed['include'], extra: DicomJson, patient: DicomJson | undefined): DicomJson {
  if (include === 'all') return sortTags({ ...extra, ...(patient ?? {}), ...answer });
  for (const tag of include) {
    const value = extra[tag] ?? patient?.[tag];
    if (value && !answer[tag]) answer[tag] = value;
  }
  return sortTags(answer);
}

function sortTags(json: DicomJson): DicomJson {
  return Object.fromEntries(Object.entries(json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const PATIENT_ANSWER = [PATIENT_NAME, PATIENT_ID, BIRTH_DATE];

/**
 * Kept for matching, but not answered unless asked for (includefield): not in
 * the attributes PS3.18 Table 6.7.1-2 and -2a list for a study or a series
 * answer, as Orthanc answers too.
 */
const STUDY_MATCH_ONLY = new Set(['00081030']);
const SERIES_MATCH_ONLY = new Set(['00080021', '00080031', '00180015']);

function without(json: DicomJson, omitted: ReadonlySet<string>): DicomJson {
  return Object.fromEntries(Object.entries(json).filter(([tag]) => !omitted.has(tag)));
}

/** What a series or instance answer repeats of its study: the study's attributes and the patient's. */
async function studyPart(context: SearchContext, studyUid: string, pseudonym: string): Promise<DicomJson> {
  const { rows } = await context.stores.clinical.query<{ attributes: DicomJson }>('SELECT attributes FROM imaging_studies WHERE study_uid = $1', [studyUid]);
  const patient = (await patientElements(context.stores.identity, context.keys, [pseudonym])).get(pseudonym);
  return { ...without(rows[0]?.attributes ?? {}, STUDY_MATCH_ONLY), ...patientPart(patient) };
}

function patientPart(elements: DicomJson | undefined): DicomJson {
  const part: DicomJson = {};
  for (const tag of PATIENT_ANSWER) part[tag] = elements?.[tag] ?? { vr: tag === PATIENT_NAME ? 'PN' : tag === BIRTH_DATE ? 'DA' : 'LO' };
  return part;
}

/** QIDO-RS /studies. */
export async function searchStudies(context: SearchContext, params: QueryParams): Promise<DicomJson[]> {
  const query = parse(params);
  const sql = new Sql();
  const shared = (await context.shared?.inView()) ?? [];
  sql.where.push(
    shared.length > 0
      ? `(s.facility_code = ANY(${sql.add(searchableFacilities(context.viewer))}::text[]) OR s.study_uid = ANY(${sql.add(shared)}::text[]))`
      : `s.facility_code = ANY(${sql.add(searchableFacilities(context.viewer))}::text[])`,
  );
  const patients = await matchingPatients(context, query.filters, query.fuzzy, shared);
  if (patients) sql.where.push(`s.patient_pseudonym = ANY(${sql.add(patients)}::uuid[])`);
  for (const [tag, value] of query.filters) {
    if (value === '' || PATIENT_ANSWER.includes(tag)) continue;
    if (tag === STUDY_UID) uidMatch(sql, 's.study_uid', value);
    else if (tag === STUDY_DATE) {
      const [from, to] = dateRange(value);
      if (from) sql.where.push(`s.study_date >= ${sql.add(from)}`);
      if (to) sql.where.push(`s.study_date <= ${sql.add(to)}`);
    } else if (tag === MODALITIES) {
      sql.where.push(`EXISTS (SELECT 1 FROM imaging_series m WHERE m.study_uid = s.study_uid AND m.modality = ANY(${sql.add(value.split(/[\\,]/))}::text[]))`);
    } else if (tag === ACCESSION && !hasWildcard(value)) sql.where.push(`s.accession_number = ${sql.add(value)}`);
    else attributeMatch(sql, 's.attributes', tag, value);
  }
  const { rows } = await context.stores.clinical.query<{ study_uid: string; facility_code: string; patient_pseudonym: string; attributes: DicomJson; modalities: string[] | null; series: string; instances: string }>(
    `SELECT s.study_uid, s.facility_code, s.patient_pseudonym, s.attributes,
            (SELECT array_agg(DISTINCT x.modality ORDER BY x.modality) FROM imaging_series x WHERE x.study_uid = s.study_uid AND x.modality IS NOT NULL) AS modalities,
            (SELECT count(*) FROM imaging_series x WHERE x.study_uid = s.study_uid) AS series,
            (SELECT count(*) FROM imaging_instances x WHERE x.study_uid = s.study_uid) AS instances
       FROM imaging_studies s
      WHERE ${sql.where.join(' AND ')}
      ORDER BY s.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.study_uid
      LIMIT ${sql.add(query.limit)} OFFSET ${sql.add(query.offset)}`,
    sql.params,
  );
  const patientsOf = await patientElements(context.stores.identity, context.keys, rows.map((r) => r.patient_pseudonym));
  const answers: DicomJson[] = [];
  for (const row of rows) {
    const patient = patientsOf.get(row.patient_pseudonym);
    const answer: DicomJson = {
      ...without(row.attributes, STUDY_MATCH_ONLY),
      ...patientPart(patient),
      [MODALITIES]: row.modalities?.length ? { vr: 'CS', Value: row.modalities } : { vr: 'CS' },
      '00201206': { vr: 'IS', Value: [Number(row.series)] },
      '00201208': { vr: 'IS', Value: [Number(row.instances)] },
      '00081190': { vr: 'UR', Value: [`${context.baseUrl}/dicomweb/studies/${row.study_uid}`] },
    };
    const extra = query.include === 'all' || query.include.size > 0 ? await firstInstanceMetadata(context.stores.clinical, 'study_uid', row.study_uid) : {};
    answers.push(withIncluded(answer, query.include, extra, patient));
  }
  return answers;
}

/** QIDO-RS /studies/{study}/series; undefined if the study is unknown or not the viewer's to see. */
export async function searchSeries(context: SearchContext, studyUid: string, params: QueryParams): Promise<DicomJson[] | undefined> {
  const study = await visibleStudy(context.stores.clinical, context.viewer, studyUid, context.shared);
  if (!study) return undefined;
  const query = parse(params);
  const sql = new Sql();
  sql.where.push(`r.study_uid = ${sql.add(studyUid)}`);
  for (const [tag, value] of query.filters) {
    if (value === '' || tag === STUDY_UID) continue;
    if (tag === SERIES_UID) uidMatch(sql, 'r.series_uid', value);
    else if (tag === MODALITY && !hasWildcard(value)) sql.where.push(`r.modality = ANY(${sql.add(value.split(/[\\,]/))}::text[])`);
    else attributeMatch(sql, 'r.attributes', tag, value);
  }
  const { rows } = await context.stores.clinical.query<{ series_uid: string; attributes: DicomJson; instances: string }>(
    `SELECT r.series_uid, r.attributes, (SELECT count(*) FROM imaging_instances x WHERE x.series_uid = r.series_uid) AS instances
       FROM imaging_series r WHERE ${sql.where.join(' AND ')}
      ORDER BY r.series_number NULLS LAST, r.series_uid LIMIT ${sql.add(query.limit)} OFFSET ${sql.add(query.offset)}`,
    sql.params,
  );
  const patient = query.include === 'all' || query.include.size > 0 ? (await patientElements(context.stores.identity, context.keys, [study.pseudonym])).get(study.pseudonym) : undefined;
  const parent = await studyPart(context, studyUid, study.pseudonym);
  const answers: DicomJson[] = [];
  for (const row of rows) {
    const answer: DicomJson = {
      ...parent,
      ...without(row.attributes, SERIES_MATCH_ONLY),
      [STUDY_UID]: { vr: 'UI', Value: [studyUid] },
      '00201209': { vr: 'IS', Value: [Number(row.instances)] },
      '00081190': { vr: 'UR', Value: [`${context.baseUrl}/dicomweb/studies/${studyUid}/series/${row.series_uid}`] },
    };
    const extra = query.include === 'all' || query.include.size > 0 ? await firstInstanceMetadata(context.stores.clinical, 'series_uid', row.series_uid) : {};
    answers.push(withIncluded(answer, query.include, extra, patient));
  }
  return answers;
}

/** QIDO-RS /studies/{study}/series/{series}/instances; undefined if the study is unknown or not the viewer's to see. */
export async function searchInstances(context: SearchContext, studyUid: string, seriesUid: string, params: QueryParams): Promise<DicomJson[] | undefined> {
  const study = await visibleStudy(context.stores.clinical, context.viewer, studyUid, context.shared);
  if (!study) return undefined;
  const query = parse(params);
  const sql = new Sql();
  sql.where.push(`i.study_uid = ${sql.add(studyUid)}`, `i.series_uid = ${sql.add(seriesUid)}`);
  for (const [tag, value] of query.filters) {
    if (value === '' || tag === STUDY_UID || tag === SERIES_UID) continue;
    if (tag === SOP_UID) uidMatch(sql, 'i.sop_instance_uid', value);
    else attributeMatch(sql, 'i.attributes', tag, value);
  }
  const { rows } = await context.stores.clinical.query<{ sop_instance_uid: string; attributes: DicomJson; metadata_gz: Uint8Array | null }>(
    `SELECT i.sop_instance_uid, i.attributes${query.include === 'all' || query.include.size > 0 ? ', i.metadata_gz' : ', NULL AS metadata_gz'}
       FROM imaging_instances i WHERE ${sql.where.join(' AND ')}
      ORDER BY i.instance_number NULLS LAST, i.sop_instance_uid LIMIT ${sql.add(query.limit)} OFFSET ${sql.add(query.offset)}`,
    sql.params,
  );
  const patient = rows.some((r) => r.metadata_gz) ? (await patientElements(context.stores.identity, context.keys, [study.pseudonym])).get(study.pseudonym) : undefined;
  const parent = await studyPart(context, studyUid, study.pseudonym);
  const series = await context.stores.clinical.query<{ attributes: DicomJson }>('SELECT attributes FROM imaging_series WHERE series_uid = $1 AND study_uid = $2', [seriesUid, studyUid]);
  const seriesPart = without(series.rows[0]?.attributes ?? {}, new Set([...SERIES_MATCH_ONLY, '00080005']));
  return rows.map((row) => {
    const answer: DicomJson = {
      ...parent,
      ...seriesPart,
      ...row.attributes,
      [STUDY_UID]: { vr: 'UI', Value: [studyUid] },
      [SERIES_UID]: { vr: 'UI', Value: [seriesUid] },
      '00081190': { vr: 'UR', Value: [`${context.baseUrl}/dicomweb/studies/${studyUid}/series/${seriesUid}/instances/${row.sop_instance_uid}`] },
    };
    const extra = row.metadata_gz ? (JSON.parse(gunzipSync(row.metadata_gz).toString('utf8')) as DicomJson) : {};
    return withIncluded(answer, query.include, extra, patient);
  });
}
