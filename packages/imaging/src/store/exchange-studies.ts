/**
 * The image store's side of the exchange (it implements the exchange's
 * `ExchangeStudies` by shape, without importing it): whether a sender sees a
 * study they attach, the picture of a key image, and the release of a
 * deleted item's studies.
 *
 * A study goes when no other exchange item carries it (each item keeps it
 * until its own retention ends or its patient asks for deletion). Crash-safe:
 * one transaction deletes the index rows and lists the blobs in
 * `imaging_blob_writes`; the blobs are deleted after it, then their listing;
 * the patient's identity row last, when no study of theirs remains. A crash
 * in between leaves listed blobs that no instance indexes and identity rows
 * without a study, which `ImageArchive.recover` removes.
 */
import { maySeeStudy, type Actor } from '@renkei/access';
import { renderedFrame, storedInstance } from '../dicomweb/wado.js';
import { NotRenderable } from '../render/render.js';
import type { ImageArchive } from './image-archive.js';

/** A key image's picture in a report: small enough for a page to hold several, large enough to show the finding. */
const KEY_IMAGE_PICTURE_SIDE = 384;

export class ImageStudies {
  constructor(private readonly archive: ImageArchive) {}

  async maySee(actor: Actor, studyUid: string): Promise<boolean> {
    const { rows } = await this.archive.stores.clinical.query<{ facility_code: string }>('SELECT facility_code FROM imaging_studies WHERE study_uid = $1', [studyUid]);
    return rows[0] !== undefined && maySeeStudy(actor, { facilityCode: rows[0].facility_code });
  }

  async release(itemId: string, studyUids: readonly string[], options: { dryRun: boolean; leaving?: readonly string[] }): Promise<{ instances: number; bytes: number }> {
    const { clinical, identity } = this.archive.stores;
    const leaving = [...new Set([itemId, ...(options.leaving ?? [])])];
    let instances = 0;
    let bytes = 0;
    for (const studyUid of new Set(studyUids)) {
      const held = await clinical.query('SELECT 1 FROM exchange_items WHERE studies @> ARRAY[$1::text] AND NOT (id = ANY($2::uuid[])) LIMIT 1', [studyUid, leaving]);
      if (held.rows.length > 0) continue;
      if (options.dryRun) {
        const { rows } = await clinical.query<{ n: string; bytes: string }>('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM imaging_instances WHERE study_uid = $1', [studyUid]);
        instances += Number(rows[0]!.n);
        bytes += Number(rows[0]!.bytes);
        continue;
      }
      const gone = await clinical.transaction(async (tx) => {
        const study = await tx.query<{ patient_pseudonym: string }>('SELECT patient_pseudonym FROM imaging_studies WHERE study_uid = $1 FOR UPDATE', [studyUid]);
        if (!study.rows[0]) return undefined;
        const { rows } = await tx.query<{ blob_name: string; size: string }>('DELETE FROM imaging_instances WHERE study_uid = $1 RETURNING blob_name, size', [studyUid]);
        await tx.query('DELETE FROM imaging_series WHERE study_uid = $1', [studyUid]);
        await tx.query('DELETE FROM imaging_studies WHERE study_uid = $1', [studyUid]);
        const blobs = [...new Set(rows.map((r) => r.blob_name))];
        // Listed as unfinished writes: should the deletion below not finish, recovery finds them unindexed and removes them.
        if (blobs.length > 0) await tx.query("INSERT INTO imaging_blob_writes (blob_name, started_at) SELECT unnest($1::text[]), now() - interval '1 day' ON CONFLICT DO NOTHING", [blobs]);
        return { pseudonym: study.rows[0].patient_pseudonym, blobs, instances: rows.length, bytes: rows.reduce((sum, r) => sum + Number(r.size), 0) };
      });
      if (!gone) continue;
      for (const blob of gone.blobs) {
        const indexed = await clinical.query('SELECT 1 FROM imaging_instances WHERE blob_name = $1 LIMIT 1', [blob]);
        if (indexed.rows.length === 0) await this.archive.blobs.store.delete(blob);
        await clinical.query('DELETE FROM imaging_blob_writes WHERE blob_name = $1', [blob]);
      }
      const others = await clinical.query('SELECT 1 FROM imaging_studies WHERE patient_pseudonym = $1 LIMIT 1', [gone.pseudonym]);
      if (others.rows.length === 0) await identity.query('DELETE FROM imaging_patients WHERE pseudonym = $1', [gone.pseudonym]);
      instances += gone.instances;
      bytes += gone.bytes;
    }
    return { instances, bytes };
  }

  /**
   * The frame as a report shows it (PNG, its own window, the longer side at
   * most 384 pixels), or undefined for an instance not stored and a frame
   * that cannot be rendered here. The exchange asks only for a frame of a
   * study attached to an item the caller marks key images on.
   */
  async keyImagePicture(sopInstanceUid: string, frame: number): Promise<Buffer | undefined> {
    const instance = await storedInstance(this.archive.stores.clinical, sopInstanceUid);
    if (!instance) return undefined;
    try {
      return await renderedFrame(this.archive.blobs, instance, frame, { maxSide: KEY_IMAGE_PICTURE_SIDE });
    } catch (error) {
      if (error instanceof NotRenderable) return undefined;
      throw error;
    }
  }
}
