import type { AdminRefusal, RefusalKind } from '@renkei/admin';
import type { ApiErrorBody } from '@renkei/api';

/** A refusal or failure that knows its HTTP answer. The message is shown to the user as is: Japanese, no personal data. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Every administrative refusal's HTTP answer, by kind: not found covers what is outside the actor's scope too. */
const REFUSAL_STATUS: Record<RefusalKind, number> = { 'not-found': 404, conflict: 409, invalid: 400, forbidden: 403 };

export const refusalError = (refusal: AdminRefusal) => new ApiError(REFUSAL_STATUS[refusal.kind], refusal.code, refusal.answer);

export const terminalRequired = () => new ApiError(403, 'terminal-required', '登録された端末からのみ利用できます（端末証明書が確認できません）');
export const loginRequired = () => new ApiError(401, 'login-required', 'ログインしてください（一定時間操作がなかった場合も再ログインが必要です）');
export const passwordChangeRequired = () => new ApiError(403, 'password-change-required', '初期パスワードのままです。個人設定で新しいパスワードを設定してください');
export const roleForbidden = () => new ApiError(403, 'role-forbidden', 'この操作はあなたの職種では利用できません');
/** One answer for an unknown id and a forbidden or expired one: nothing about the patient leaks. */
export const accessNotFound = () => new ApiError(404, 'access-not-found', '患者の閲覧期限が切れたか、閲覧が許可されていません。カードをもう一度読み取ってください');
export const cardNotAccepted = () => new ApiError(404, 'card-not-accepted', 'このカードは使用できません。カードを確認してもう一度読み取ってください');
