import { z } from 'zod';

/**
 * Text a person reads as a name or an address: no control characters and no
 * bidirectional overrides or isolates (they reorder what a reader sees: a
 * facility named 「\u202E…」 prints backwards), no NUL, no line breaks or tabs.
 */
export const PLAIN_TEXT = /^[^\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]*$/u;

/** A trimmed one-line text of `min`..`max` characters that a person reads (see PLAIN_TEXT). */
export const plainText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(PLAIN_TEXT, { message: '制御文字や表示方向を変える文字は使えません' });
