import { ApiError } from './api.js';
import i18n from './i18n.js';

/**
 * What the user is shown for a failure: a server refusal in the user's
 * language, by its code. In Japanese a code with no entry keeps the server's
 * own wording (it may name the field at fault); in English it is a generic
 * refusal naming the code, never the server's Japanese.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const key = `refusals.${error.code}`;
  if (i18n.exists(key)) return i18n.t(key);
  if (i18n.language === 'ja' || error.status === 0) return error.message;
  return i18n.t('refusal', { code: error.code, status: error.status });
}
