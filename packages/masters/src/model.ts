/**
 * What Renkei keeps of the official code masters: per code, a name for display
 * and the few attributes that history views group or filter by.
 */

/** b 傷病名, z 修飾語, s 医科診療行為, y 医薬品, t 特定器材, c コメント. */
export type MasterKind = 'b' | 'z' | 's' | 'y' | 't' | 'c';

export const MASTER_KINDS: readonly MasterKind[] = ['b', 'z', 's', 'y', 't', 'c'];

/** Where a 修飾語 goes around the 傷病名: 8xxx (修飾語区分 A8000000) follow it, all others precede it. */
export type ModifierPosition = 'prefix' | 'suffix';

/** One version of one code, as a receipt view shows it. */
export interface MasterEntry {
  /** '' for the free-text comment codes (810000001, 890000001): the receipt carries their text. */
  name: string;
  kana: string | null;
  /** b: ICD-10 (2013), without the dot (E14, J069). */
  icd10: string | null;
  /** s: 区分 of the 点数表, alphabet part + 区分番号 (K282). */
  section: string | null;
  /** y: 薬価基準収載医薬品コード (12 characters; first 7 = 成分). */
  yjCode: string | null;
  /** y: 一般名処方の標準的な記載 (【般】ファモチジン散２％). */
  genericName: string | null;
  /** y, t: 単位名 (錠, ｍＬ). */
  unit: string | null;
  /** y: 剤形 (1 内用, 3 減点等, 4 注射, 6 外用, 8 歯科用). */
  dosageForm: string | null;
  /** z: prefix or suffix. */
  modifierPosition: ModifierPosition | null;
}

/**
 * What a row of a master file says:
 * - `entry`: a complete row (every row of a full file, 新規 rows of a change file); null means "none".
 * - `change`: a row of a change file (変更区分 5 etc.); null means "unchanged from the version before".
 * - `abolition`: 廃止 (変更区分 9) in a change file; only `abolishedOn` counts.
 */
export type RecordRole = 'entry' | 'change' | 'abolition';

/**
 * One row of a master file, normalized. In a change row `section` may hold one
 * part only ('705' when K703 became K705): the rest comes from the version it changes.
 */
export type MasterRecord = { [K in keyof MasterEntry]: MasterEntry[K] | null } & {
  kind: MasterKind;
  code: string;
  role: RecordRole;
  /** Line in the file, from 1. */
  line: number;
  /** 収載年月日 (b, z only), YYYY-MM-DD. */
  listedOn: string | null;
  /** 変更年月日: the day this row's content takes effect, YYYY-MM-DD. */
  changedOn: string | null;
  /** 廃止年月日: the last day the code may be used, YYYY-MM-DD. */
  abolishedOn: string | null;
};
