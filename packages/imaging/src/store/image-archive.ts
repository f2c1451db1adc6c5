/**
 * The one ingest path of images (STOW-RS, the uploader, the C-STORE gateway):
 * an instance is read and checked, its blob written (encrypted, durable),
 * then indexed: the patient in the identity store first, then the study,
 * series and instance in one transaction of the clinical store with its
 * audit record. A crash leaves at worst an identified patient without
 * images, never an index entry without its blob. A blob whose indexing did not commit is
 * listed in `imaging_blob_writes` and removed by `recover`.
 *
 * The same instance twice changes nothing; a known SOP Instance UID with
 * other content is refused, never overwritten.
 */
import { createHash, createHmac } from 'node:crypto';
import { crc32, gzipSync } from 'node:zlib';
import { appendAuditInTransaction, type AuditActor, type AuditEntry } from '@renkei/audit';
import { encryptField } from '@renkei/identity';
import { Batches, type Db, type ServerKeys, type Stores } from '@renkei/store';
import type { BlobStore } from '../blobs/blob-store.js';
import { EncryptedBlobs } from '../blobs/encrypted-blobs.js';
import type { DicomJson } from '../parse/dicom-json.js';
import { DicomRefusal, readInstance, type ParsedInstance } from '../parse/read-instance.js';
import { patientElements } from '../dicomweb/study-access.js';
import { INSTANCE_TAGS, pick, SERIES_TAGS, STUDY_TAGS } from './attributes.js';

export interface StoredInstance {
  status: 'stored' | 'unchanged';
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
}

/** Who sends: the facility the instance is stored for, and the actor the audit trail names. */
export interface ImageSource {
  facilityCode: string;
  actor: AuditActor;
  /** How it came: 'stow', 'upload', 'c-store'. */
  via: string;
}

/** Called between the steps of a store, for the crash tests only. */
export type StoreStep = 'parsed' | 'blob-write-recorded' | 'blob-written' | 'indexed';

/** Where a DICOMweb client finds an instance's bulk data. */
export function bulkDataBase(uids: { studyUid: string; seriesUid: string; sopInstanceUid: string }): string {
  return `/dicomweb/studies/${uids.studyUid}/series/${uids.seriesUid}/instances/${uids.sopInstanceUid}/bulk`;
}

/** At most this many instances are indexed in one transaction. */
const MAX_BATCH = 64;

export class ImageArchive {
  readonly blobs: EncryptedBlobs;
  // A batch the database fails is tried again in halves, down to the instance at fault (a refusal stays with its instance).
  private readonly indexing = new Batches<IndexJob, StoredInstance | DicomRefusal>((jobs) => this.indexBatch(jobs), MAX_BATCH);

  constructor(
    readonly stores: Stores,
    readonly keys: ServerKeys,
    blobStore: BlobStore,
    private readonly onStep?: (step: StoreStep) => void | Promise<void>,
  ) {
    this.blobs = new EncryptedBlobs(blobStore, keys.images);
  }

  /** Stores one Part 10 instance for `source`; refuses it (DicomRefusal) with the reason when it cannot be stored. */
  async store(bytes: Uint8Array, source: ImageSource): Promise<StoredInstance> {
    const parsed = readInstance(bytes, bulkDataBase);
    await this.onStep?.('parsed');
    const sha256 = createHash('sha256').update(bytes).digest();
    const known = await this.known(parsed, sha256.toString('hex'), source.facilityCode);
    if ('status' in known) return known;
    const blobName = this.blobs.nameOf(sha256);
    await this.stores.clinical.query('INSERT INTO imaging_blob_writes (blob_name) VALUES ($1) ON CONFLICT DO NOTHING', [blobName]);
    await this.onStep?.('blob-write-recorded');
    await this.blobs.put(bytes, sha256);
    await this.onStep?.('blob-written');
    // The identity store first, committed on its own: a crash before the index commits leaves an identified patient without images, which `recover` removes.
    // The instances of a study after its first find their patient registered already.
    const pseudonym = known.studyPseudonym ?? (await this.registerPatient(this.stores.identity, parsed, source.facilityCode));
    const stored = await this.indexing.add({ parsed, known, stored: { pseudonym, blobName, sha256: sha256.toString('hex'), size: bytes.length, crc32: crc32(bytes), source } });
    if (stored instanceof DicomRefusal) throw stored;
    await this.onStep?.('indexed');
    return stored;
  }

  /**
   * The patient's and the study's elements (DICOM JSON, decoded) of a study
   * that `facilityCode` stored: for a photograph that joins it. Undefined for
   * an unknown study and for another facility's alike.
   */
  async studyElements(studyUid: string, facilityCode: string): Promise<DicomJson | undefined> {
    const { rows } = await this.stores.clinical.query<{ patient_pseudonym: string; attributes: DicomJson | string }>(
      'SELECT patient_pseudonym, attributes FROM imaging_studies WHERE study_uid = $1 AND facility_code = $2',
      [studyUid, facilityCode],
    );
    const row = rows[0];
    if (!row) return undefined;
    const attributes = (typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes) as DicomJson;
    // Values are decoded text: the character set is the writer's to say.
    delete attributes['00080005'];
    const patient = (await patientElements(this.stores.identity, this.keys, [row.patient_pseudonym])).get(row.patient_pseudonym) ?? {};
    return { ...attributes, ...patient };
  }

  /** Whether this instance is stored in this study already. */
  async hasInstance(studyUid: string, sopInstanceUid: string): Promise<boolean> {
    const { rows } = await this.stores.clinical.query('SELECT 1 FROM imaging_instances WHERE sop_instance_uid = $1 AND study_uid = $2', [sopInstanceUid, studyUid]);
    return rows.length > 0;
  }

  /**
   * What is stored already of this instance's study, series and SOP Instance UID, in one look: the instance
   * itself (unchanged if the bytes are the same, refused if not), or its study and series, so that indexing
   * the next instance of a study skips what the first one wrote. A study of another facility, or a series
   * of another study, is refused.
   */
  private async known(parsed: ParsedInstance, sha256: string, facilityCode: string): Promise<StoredInstance | KnownParents> {
    const { rows } = await this.stores.clinical.query<{ study_facility: string | null; study_pseudonym: string | null; series_study: string | null; content_sha256: string | null }>(
      `SELECT s.facility_code AS study_facility, s.patient_pseudonym AS study_pseudonym,
              (SELECT study_uid FROM imaging_series WHERE series_uid = $2) AS series_study,
              (SELECT content_sha256 FROM imaging_instances WHERE sop_instance_uid = $3) AS content_sha256
         FROM (SELECT 1) AS one LEFT JOIN imaging_studies s ON s.study_uid = $1`,
      [parsed.studyUid, parsed.seriesUid, parsed.sopInstanceUid],
    );
    const row = rows[0]!;
    if (row.study_facility !== null && row.study_facility !== facilityCode) {
      throw new DicomRefusal('conflict', `the study ${parsed.studyUid} is stored already, by another facility`);
    }
    if (row.content_sha256 !== null) {
      if (row.content_sha256 !== sha256) throw new DicomRefusal('conflict', `an instance with SOP Instance UID ${parsed.sopInstanceUid} and other content is stored already`);
      return { status: 'unchanged', ...uidsOf(parsed) };
    }
    if (row.series_study !== null && row.series_study !== parsed.studyUid) throw new DicomRefusal('conflict', `the series ${parsed.seriesUid} is stored already, in another study`);
    return { studyPseudonym: row.study_pseudonym ?? undefined, seriesKnown: row.series_study !== null };
  }

  /** The patient as the facility identified them, in the identity store; answers their pseudonym. */
  private async registerPatient(identity: Db, parsed: ParsedInstance, facilityCode: string): Promise<string> {
    const { patientId, name, birthDate, elements } = parsed.patient;
    const pseudonym = imagingPseudonym(this.keys.pseudonym, facilityCode, patientId, parsed.studyUid);
    const key = this.keys.encryption;
    await identity.query(
      `INSERT INTO imaging_patients (pseudonym, facility_code, patient_id_hash, patient_id_enc, name_enc, birth_date_enc, elements_enc)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pseudonym) DO NOTHING`,
      [
        pseudonym,
        facilityCode,
        patientIdHash(this.keys.lookup, facilityCode, patientId),
        encryptField(key, patientId),
        name ? encryptField(key, JSON.stringify(name)) : null,
        birthDate ? encryptField(key, birthDate) : null,
        encryptField(key, JSON.stringify(elements)),
      ],
    );
    return pseudonym;
  }

  /** Indexes one instance in `clinical`'s transaction; answers its result and the audit record of a new instance. */
  private async index(clinical: Db, parsed: ParsedInstance, known: KnownParents, stored: IndexJob['stored']): Promise<{ result: StoredInstance; audit?: AuditEntry }> {
    const { metadata } = parsed;
    const text = (tag: string) => {
      const value = metadata[tag]?.Value?.[0];
      return typeof value === 'string' ? value : null;
    };
    const number = (tag: string) => {
      const value = metadata[tag]?.Value?.[0];
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    };
    if (known.studyPseudonym === undefined) {
      await clinical.query(
        `INSERT INTO imaging_studies (study_uid, facility_code, patient_pseudonym, study_date, study_time, accession_number, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (study_uid) DO NOTHING`,
        [parsed.studyUid, stored.source.facilityCode, stored.pseudonym, text('00080020'), text('00080030'), text('00080050'), JSON.stringify(pick(metadata, STUDY_TAGS))],
      );
      // Two facilities racing to store the same new study: the second finds the first's row.
      const owner = await clinical.query<{ facility_code: string }>('SELECT facility_code FROM imaging_studies WHERE study_uid = $1', [parsed.studyUid]);
      if (owner.rows[0]?.facility_code !== stored.source.facilityCode) throw new DicomRefusal('conflict', `the study ${parsed.studyUid} is stored already, by another facility`);
    }
    if (!known.seriesKnown) {
      await clinical.query(
        `INSERT INTO imaging_series (series_uid, study_uid, modality, series_number, attributes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (series_uid) DO NOTHING`,
        [parsed.seriesUid, parsed.studyUid, text('00080060'), number('00200011'), JSON.stringify(pick(metadata, SERIES_TAGS))],
      );
      const series = await clinical.query<{ study_uid: string }>('SELECT study_uid FROM imaging_series WHERE series_uid = $1', [parsed.seriesUid]);
      if (series.rows[0]?.study_uid !== parsed.studyUid) throw new DicomRefusal('conflict', `the series ${parsed.seriesUid} is stored already, in another study`);
    }
    const inserted = await clinical.query(
      `INSERT INTO imaging_instances (sop_instance_uid, series_uid, study_uid, sop_class_uid, transfer_syntax_uid, instance_number, number_of_frames,
                                      blob_name, content_sha256, size, crc32, frames, attributes, metadata_gz)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (sop_instance_uid) DO NOTHING`,
      [
        parsed.sopInstanceUid,
        parsed.seriesUid,
        parsed.studyUid,
        parsed.sopClassUid,
        parsed.transferSyntaxUid,
        parsed.instanceNumber,
        parsed.numberOfFrames,
        stored.blobName,
        stored.sha256,
        stored.size,
        stored.crc32,
        parsed.frames === null ? null : JSON.stringify(parsed.frames),
        JSON.stringify(pick(metadata, INSTANCE_TAGS)),
        gzipSync(JSON.stringify(metadata), { level: 6 }),
      ],
    );
    await clinical.query('DELETE FROM imaging_blob_writes WHERE blob_name = $1', [stored.blobName]);
    if (inserted.affectedRows === 0) {
      // Stored meanwhile by a concurrent request: the same answer as if it had come second.
      const again = await clinical.query<{ content_sha256: string }>('SELECT content_sha256 FROM imaging_instances WHERE sop_instance_uid = $1', [parsed.sopInstanceUid]);
      if (again.rows[0]?.content_sha256 !== stored.sha256) throw new DicomRefusal('conflict', `an instance with SOP Instance UID ${parsed.sopInstanceUid} and other content is stored already`);
      return { result: { status: 'unchanged', ...uidsOf(parsed) } };
    }
    const audit: AuditEntry = {
      ...stored.source.actor,
      facility: stored.source.facilityCode,
      action: 'images.store',
      pseudonym: stored.pseudonym,
      outcome: 'allowed',
      detail: { via: stored.source.via, study: parsed.studyUid, series: parsed.seriesUid, instance: parsed.sopInstanceUid, bytes: stored.size },
    };
    return { result: { status: 'stored', ...uidsOf(parsed) }, audit };
  }

  /**
   * Indexes instances whose blobs are written, in one transaction of the clinical store with
   * one append to the audit trail for all of them: the instances of a STOW-RS request or a
   * C-STORE association arrive a few at a time, and one commit (one sync to disk, one hold of
   * the audit chain) for each was what storing cost most. Each instance runs under a savepoint,
   * so that one refused (a study another facility stored meanwhile) leaves the others stored.
   */
  private async indexBatch(jobs: IndexJob[]): Promise<Array<StoredInstance | DicomRefusal>> {
    return this.stores.clinical.transaction(async (clinical) => {
      const outcomes: Array<StoredInstance | DicomRefusal> = [];
      const audits: AuditEntry[] = [];
      for (const job of jobs) {
        await clinical.query('SAVEPOINT instance');
        try {
          const { result, audit } = await this.index(clinical, job.parsed, job.known, job.stored);
          await clinical.query('RELEASE SAVEPOINT instance');
          outcomes.push(result);
          if (audit) audits.push(audit);
        } catch (error) {
          if (!(error instanceof DicomRefusal)) throw error;
          await clinical.query('ROLLBACK TO SAVEPOINT instance');
          outcomes.push(error);
        }
      }
      await appendAuditInTransaction(clinical, this.keys.audit, audits);
      return outcomes;
    });
  }

  /**
   * After a crash: removes blobs whose indexing never committed, and the
   * temporary files of writes cut short. Only writes started before
   * `olderThan` are judged (another process may be storing right now).
   */
  async recover(olderThan = new Date(Date.now() - 15 * 60_000)): Promise<{ orphans: number; unfinished: number; patients: number }> {
    const unfinished = await this.blobs.store.sweepUnfinished(olderThan);
    const { rows } = await this.stores.clinical.query<{ blob_name: string; indexed: boolean }>(
      `SELECT w.blob_name, EXISTS (SELECT 1 FROM imaging_instances i WHERE i.blob_name = w.blob_name) AS indexed
         FROM imaging_blob_writes w WHERE w.started_at < $1`,
      [olderThan],
    );
    let orphans = 0;
    for (const row of rows) {
      if (!row.indexed) {
        await this.blobs.store.delete(row.blob_name);
        orphans++;
      }
      await this.stores.clinical.query('DELETE FROM imaging_blob_writes WHERE blob_name = $1 AND started_at < $2', [row.blob_name, olderThan]);
    }
    return { orphans, unfinished, patients: await this.patientsWithoutStudies(olderThan) };
  }

  /** Identity rows of patients whose last study a release cut short removed (registered before `olderThan`, with no study left). */
  private async patientsWithoutStudies(olderThan: Date): Promise<number> {
    let removed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await this.stores.identity.query<{ pseudonym: string }>(
        'SELECT pseudonym FROM imaging_patients WHERE created_at < $1 AND pseudonym > $2 ORDER BY pseudonym LIMIT 1000',
        [olderThan, after],
      );
      if (rows.length === 0) return removed;
      const pseudonyms = rows.map((r) => r.pseudonym);
      const kept = await this.stores.clinical.query<{ patient_pseudonym: string }>('SELECT DISTINCT patient_pseudonym FROM imaging_studies WHERE patient_pseudonym = ANY($1::uuid[])', [pseudonyms]);
      const keep = new Set(kept.rows.map((r) => r.patient_pseudonym));
      const orphans = pseudonyms.filter((p) => !keep.has(p));
      if (orphans.length > 0) removed += (await this.stores.identity.query('DELETE FROM imaging_patients WHERE pseudonym = ANY($1::uuid[]) AND created_at < $2', [orphans, olderThan])).affectedRows;
      after = pseudonyms[pseudonyms.length - 1]!;
    }
  }
}

/** An instance to index: read, its blob written, its patient registered. */
interface IndexJob {
  parsed: ParsedInstance;
  known: KnownParents;
  stored: { pseudonym: string; blobName: string; sha256: string; size: number; crc32: number; source: ImageSource };
}

/** The study and series of an instance not stored yet, as far as they are (a study's pseudonym: its patient's). */
interface KnownParents {
  studyPseudonym: string | undefined;
  seriesKnown: boolean;
}

function uidsOf(parsed: ParsedInstance) {
  return { studyUid: parsed.studyUid, seriesUid: parsed.seriesUid, sopInstanceUid: parsed.sopInstanceUid, sopClassUid: parsed.sopClassUid };
}

/** The pseudonym of a patient as a facility identifies them (its Patient ID); without one, the study stands alone. */
export function imagingPseudonym(pseudonymKey: Buffer, facilityCode: string, patientId: string, studyUid: string): string {
  const basis = patientId ? `patient\u0000${facilityCode}\u0000${patientId}` : `study\u0000${studyUid}`;
  const hex = createHmac('sha256', pseudonymKey).update('imaging\u0000').update(basis).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The keyed hash through which QIDO-RS finds a facility's Patient ID. */
export function patientIdHash(lookupKey: Buffer, facilityCode: string, patientId: string): string {
  return createHmac('sha256', lookupKey).update('imaging patient id\u0000').update(facilityCode).update('\u0000').update(patientId).digest('hex');
}
