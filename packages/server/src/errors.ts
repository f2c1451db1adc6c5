import type { Refusal, RefusalKind } from '@renkei/access';
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

/** Every refusal's HTTP answer, by kind: not found covers what is outside the caller's reach too. */
const REFUSAL_STATUS: Record<RefusalKind, number> = { 'not-found': 404, conflict: 409, invalid: 400, forbidden: 403, unauthenticated: 401, 'too-many': 429, unavailable: 503 };

export const refusalError = (refusal: Refusal) => new ApiError(REFUSAL_STATUS[refusal.kind], refusal.code, refusal.answer);

export const terminalRequired = () => new ApiError(403, 'terminal-required', '登録された端末からのみ利用できます（端末証明書が確認できません）');
export const loginRequired = () => new ApiError(401, 'login-required', 'ログインしてください（一定時間操作がなかった場合も再ログインが必要です）');
export const passwordChangeRequired = () => new ApiError(403, 'password-change-required', '初期パスワードのままです。個人設定で新しいパスワードを設定してください');
export const roleForbidden = () => new ApiError(403, 'role-forbidden', 'この操作はあなたの職種では利用できません');
/** Input carrying a NUL byte, refused at the edge before it reaches a store or the audit trail. */
export const invalidText = () => new ApiError(400, 'invalid-text', '入力に使用できない文字が含まれています');
export const crossSiteRefused = () => new ApiError(403, 'cross-site', 'この操作は Renkei の画面からのみ行えます');
export const jsonRequired = () => new ApiError(415, 'json-required', '要求の形式が正しくありません（JSON で送ってください）');
export const tooManyRequests = () => new ApiError(429, 'too-many-requests', '短時間に操作が集中しました。しばらくしてからお試しください');
export const cardNotAccepted = () => new ApiError(404, 'card-not-accepted', 'このカードは使用できません。カードを確認してもう一度読み取ってください');
