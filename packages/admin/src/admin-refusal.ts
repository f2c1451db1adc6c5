/**
 * Why an administrative action was refused: a participant, a terminal, a staff
 * ID or one's own settings alike. The edges answer by `kind` (the server: one
 * HTTP status per kind), record `code` in the audit trail, and show `answer`
 * to the user. Something outside the actor's scope is `not-found`, like one
 * that does not exist, so that another facility's IDs cannot be probed.
 */
export type RefusalKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden';

export class AdminRefusal extends Error {
  /**
   * @param message for the command line and the logs; it may name the id
   * @param answer what a user is shown: Japanese, nothing personal (the message, unless given)
   */
  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
    readonly answer: string = message,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}

/** The refusals of terminal certificates and staff IDs: each code's kind and answer, whichever terminal or ID it was. */
const CREDENTIAL_REFUSALS = {
  'not-found': ['not-found', '該当する端末または利用者が見つかりません'],
  'already-revoked': ['conflict', 'この端末証明書はすでに失効しています'],
  'unknown-facility': ['not-found', '該当する施設が見つかりません'],
  'facility-required': ['invalid', 'この職種には所属施設が必要です'],
  'role-not-allowed': ['forbidden', 'この職種のIDは発行できません（ネットワーク運用者のIDは運用者が発行します）'],
  'id-taken': ['conflict', 'この利用者IDはすでに使われています。別のIDにしてください'],
  'own-account': ['conflict', '自分自身のIDにはこの操作はできません。パスワードは個人設定で変更してください'],
  'wrong-password': ['forbidden', '現在のパスワードが違います'],
  'account-locked': ['forbidden', 'パスワードの誤りが続いたため、このIDは一時的にロックされています。しばらくしてからお試しください'],
} as const satisfies Record<string, readonly [RefusalKind, string]>;

export type CredentialRefusalCode = keyof typeof CREDENTIAL_REFUSALS;

/** A refusal of a terminal or ID action, e.g. `credentialRefusal('already-revoked', 'terminal 1f is already revoked')`. */
export function credentialRefusal(code: CredentialRefusalCode, message: string): AdminRefusal {
  const [kind, answer] = CREDENTIAL_REFUSALS[code];
  return new AdminRefusal(kind, code, message, answer);
}
