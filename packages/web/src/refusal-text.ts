import { ApiError } from './api.js';
import i18n from './i18n.js';

/**
 * What the user is shown for a failure: a server refusal in the user's
 * language. Japanese screens show the server's own wording (it may name the
 * field at fault); another language words it by its code from its refusal
 * table, or as a generic refusal naming the code, never in the server's Japanese.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  // Status 0: refused here, before the request (a PIN short of four digits), already in the screen's language.
  if (i18n.language === 'ja' || error.status === 0) return error.message;
  const key = `refusals.${error.code}`;
  return i18n.exists(key) ? i18n.t(key) : i18n.t('refusal', { code: error.code, status: error.status });
}
