/**
 * 保険者番号: 8 digits (法別番号 2, 都道府県番号 2, 保険者別番号 3, 検証番号 1),
 * or 6 for 国民健康保険, which has no 法別番号.
 */
import { modulus10Weights21 } from './check-digit.js';

export const INSURER_KINDS = ['municipal-nhi', 'nhi-society', 'late-elderly', 'kyokai', 'health-society', 'mutual-aid', 'other'] as const;
export type InsurerKind = (typeof INSURER_KINDS)[number];

/** 法別番号 of the 8-digit numbers and the kind they are; other law numbers are 'other'. */
const KIND_BY_LAW: Record<string, InsurerKind> = {
  '01': 'kyokai',
  '06': 'health-society',
  '31': 'mutual-aid',
  '32': 'mutual-aid',
  '33': 'mutual-aid',
  '34': 'mutual-aid',
  '39': 'late-elderly',
};

export type InsurerNumberProblem = 'format' | 'prefecture' | 'check-digit' | 'kind-mismatch';

export interface InsurerNumber {
  number: string;
  prefecture: string;
  /** 法別番号, null for 国民健康保険. */
  law: string | null;
}

/** Reads a 保険者番号 and checks its check digit; with `kind`, also that the number is of that kind. */
export function parseInsurerNumber(number: string, kind?: InsurerKind): { ok: true; value: InsurerNumber } | { ok: false; problem: InsurerNumberProblem } {
  if (!/^(\d{6}|\d{8})$/.test(number)) return { ok: false, problem: 'format' };
  const law = number.length === 8 ? number.slice(0, 2) : null;
  const prefecture = number.length === 8 ? number.slice(2, 4) : number.slice(0, 2);
  if (Number(prefecture) < 1 || Number(prefecture) > 47) return { ok: false, problem: 'prefecture' };
  if (modulus10Weights21(number.slice(0, -1)) !== Number(number.at(-1))) return { ok: false, problem: 'check-digit' };
  if (kind && !kindFits(kind, law)) return { ok: false, problem: 'kind-mismatch' };
  return { ok: true, value: { number, prefecture, law } };
}

function kindFits(kind: InsurerKind, law: string | null): boolean {
  if (law === null) return kind === 'municipal-nhi' || kind === 'nhi-society';
  return (KIND_BY_LAW[law] ?? 'other') === kind;
}

export const INSURER_NUMBER_PROBLEMS: Record<InsurerNumberProblem, string> = {
  format: '保険者番号は8桁（国民健康保険は6桁）の数字です',
  prefecture: '保険者番号の都道府県番号（国保は先頭2桁、その他は3〜4桁目）が01〜47ではありません',
  'check-digit': '保険者番号の検証番号（最後の1桁）が合いません。番号を確認してください',
  'kind-mismatch': '保険者番号の法別番号（先頭2桁）が保険者の種別と合いません',
};
