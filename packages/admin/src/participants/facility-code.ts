/**
 * 医療機関コード (10 digits as Renkei keeps them): 都道府県番号 2, 点数表番号 1
 * (医科 1, 歯科 3, 調剤 4), then the 7-digit 医療機関等コード.
 */
import type { FacilityKind } from '@renkei/access';

export type ScoreTable = '1' | '3' | '4';

export interface FacilityCode {
  code: string;
  prefecture: string;
  table: ScoreTable;
  institution: string;
}

/** The 点数表 a kind of facility bills under: a dental clinic 歯科, a pharmacy 調剤, hospitals and clinics 医科. */
export function scoreTableOf(kind: FacilityKind): ScoreTable {
  return kind === 'dental-clinic' ? '3' : kind === 'pharmacy' ? '4' : '1';
}

export type FacilityCodeProblem = 'format' | 'prefecture' | 'table' | 'kind-mismatch';

/** Reads a facility code; with `kind`, also checks that the code's 点数表 is that kind's. */
export function parseFacilityCode(code: string, kind?: FacilityKind): { ok: true; value: FacilityCode } | { ok: false; problem: FacilityCodeProblem } {
  if (!/^\d{10}$/.test(code)) return { ok: false, problem: 'format' };
  const prefecture = code.slice(0, 2);
  const prefectureNumber = Number(prefecture);
  if (prefectureNumber < 1 || prefectureNumber > 47) return { ok: false, problem: 'prefecture' };
  const table = code[2]!;
  if (table !== '1' && table !== '3' && table !== '4') return { ok: false, problem: 'table' };
  if (kind && scoreTableOf(kind) !== table) return { ok: false, problem: 'kind-mismatch' };
  return { ok: true, value: { code, prefecture, table, institution: code.slice(3) } };
}

export const FACILITY_CODE_PROBLEMS: Record<FacilityCodeProblem, string> = {
  format: '医療機関コードは10桁の数字です（都道府県2桁・点数表1桁・医療機関コード7桁）',
  prefecture: '医療機関コードの先頭2桁は都道府県番号（01〜47）です',
  table: '医療機関コードの3桁目は点数表番号です（医科 1、歯科 3、調剤 4）',
  'kind-mismatch': '医療機関コードの点数表番号が施設の種別と合いません（病院・診療所は 1、歯科診療所は 3、薬局は 4）',
};
