import { Refusal, type RefusalKind } from '@renkei/access';

/**
 * Why an administrative action was refused: a participant, a terminal, a staff
 * ID or one's own settings alike (a `Refusal`, answered as every refusal is).
 * Something outside the actor's scope is `not-found`, like one that does not
 * exist, so that another facility's IDs cannot be probed.
 */
export class AdminRefusal extends Refusal {
  override name = 'AdminRefusal';
}

export type { RefusalKind };

/** The refusals of terminal certificates and staff IDs: each code's kind and answer, whichever terminal or ID it was. */
const CREDENTIAL_REFUSALS = {
  'not-found': ['not-found', '該当する端末または利用者が見つかりません'],
  'already-revoked': ['conflict', 'この端末証明書はすでに失効しています'],
  'unknown-facility': ['not-found', '該当する施設が見つかりません'],
  'facility-required': ['invalid', 'この職種には所属施設が必要です'],
  'role-not-allowed': ['forbidden', 'この職種のIDは発行できません（ネットワーク運用者のIDは運用者が発行します）'],
  'licensed-role': ['forbidden', '医師・歯科医師・薬剤師・看護師のIDは、利用者申請を提出し、事務局の承認を受けて発行されます'],
  'licensed-reset': ['forbidden', '医師・歯科医師・薬剤師・看護師のIDのパスワード再発行は事務局が行います'],
  'application-not-found': ['not-found', '該当する利用者申請が見つからないか、すでに処理されています'],
  'id-taken': ['conflict', 'この利用者IDはすでに使われています。別のIDにしてください'],
  'own-account': ['conflict', '自分自身のIDにはこの操作はできません。パスワードは個人設定で変更してください'],
  'wrong-password': ['forbidden', '現在のパスワードが違います'],
} as const satisfies Record<string, readonly [RefusalKind, string]>;

export type CredentialRefusalCode = keyof typeof CREDENTIAL_REFUSALS;

/** A refusal of a terminal or ID action, e.g. `credentialRefusal('already-revoked', 'terminal 1f is already revoked')`. */
export function credentialRefusal(code: CredentialRefusalCode, message: string): AdminRefusal {
  const [kind, answer] = CREDENTIAL_REFUSALS[code];
  return new AdminRefusal(kind, code, message, answer);
}
