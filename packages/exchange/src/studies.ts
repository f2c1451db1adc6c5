import type { Actor } from '@renkei/access';

/**
 * The seam to the image store. An exchange item keeps the StudyInstanceUIDs
 * it carries; the image store (packages/imaging) implements this interface to
 * let go of them when the item is deleted, and asks `ExchangeService.mayViewStudy`
 * before it answers a DICOMweb call on an attached study.
 */
export interface ExchangeStudies {
  /**
   * The item no longer holds these studies: delete what no other item holds
   * (or, with `dryRun`, only measure it). Idempotent: a retention run killed
   * half-way releases again, and what was already deleted counts nothing.
   * `leaving`: the other items deleted along with this one, which keep nothing.
   */
  release(itemId: string, studyUids: readonly string[], options: { dryRun: boolean; leaving?: readonly string[] }): Promise<{ instances: number; bytes: number }>;
  /**
   * Whether `actor` sees this study in the image store on their own (their
   * facility stored it): a sender attaches only such a study, or one an item
   * they see carries. Without it, any UID may be attached.
   */
  maySee?(actor: Actor, studyUid: string): Promise<boolean>;
  /**
   * A frame as a report draws it when it is marked as a key image (PNG), or
   * undefined if it cannot be rendered. Without it, key images are listed by
   * their place only.
   */
  keyImagePicture?(sopInstanceUid: string, frame: number): Promise<Buffer | undefined>;
}

/** Until the image store is wired in: items carry the UIDs only, and releasing them deletes nothing. */
export const studiesNotStored: ExchangeStudies = {
  async release() {
    return { instances: 0, bytes: 0 };
  },
};
