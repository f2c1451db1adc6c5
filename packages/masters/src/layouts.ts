import type { MasterKind } from './model.js';

/**
 * The record layouts of the 基本マスター, as data: which 0-based column holds
 * what, checked against the published files of 2023-2025. A new specification
 * is a new table here, not new code.
 */

/** A column: its position and its name in the official layout (used in error messages). */
export interface Column {
  index: number;
  label: string;
}

export interface MasterLayout {
  kind: MasterKind;
  title: string;
  /** マスター種別 in column 1. */
  typeLetter: string;
  /** The column counts of the layouts this table reads (they agree on every column used). */
  columnCounts: readonly number[];
  /** The code is this many digits. */
  codeDigits: number;
  code: Column;
  /** The display name: the first of these columns that is not empty. */
  name: readonly Column[];
  /** Codes whose text the receipt carries may have no name in the master. */
  nameMayBeEmpty?: boolean;
  kana?: Column;
  icd10?: Column;
  /** s: コード表用番号, alphabet part and 区分番号; together the 区分 (K + 282). */
  sectionLetter?: Column;
  sectionNumber?: Column;
  yjCode?: Column;
  genericName?: Column;
  unit?: Column;
  dosageForm?: Column;
  /** z: 修飾語区分 (A1000000 … A8000000). */
  modifierClass?: Column;
  listedOn?: Column;
  changedOn: Column;
  abolishedOn: Column;
}

/** Common to every master: 変更区分 (0 none, 3 新規, 5 変更, 9 廃止, …) and マスター種別. */
export const CHANGE_TYPE: Column = { index: 0, label: '変更区分' };
export const MASTER_TYPE: Column = { index: 1, label: 'マスター種別' };

const col = (index: number, label: string): Column => ({ index, label });

export const LAYOUTS: Readonly<Record<MasterKind, MasterLayout>> = {
  b: {
    kind: 'b',
    title: '傷病名マスター',
    typeLetter: 'B',
    columnCounts: [46],
    codeDigits: 7,
    code: col(2, '傷病名コード'),
    name: [col(5, '傷病名基本名称')],
    kana: col(9, '傷病名カナ名称'),
    // 13 ICD-10-1 (old coding) is empty in current files; 15 is ICD-10-1 (2013).
    icd10: col(15, 'ICD-10-1(2013)'),
    listedOn: col(21, '収載年月日'),
    changedOn: col(22, '変更年月日'),
    abolishedOn: col(23, '廃止年月日'),
  },
  z: {
    kind: 'z',
    title: '修飾語マスター',
    typeLetter: 'Z',
    columnCounts: [19],
    codeDigits: 4,
    code: col(2, '修飾語コード'),
    name: [col(6, '修飾語名称')],
    kana: col(9, '修飾語カナ名称'),
    modifierClass: col(18, '修飾語区分'),
    listedOn: col(13, '収載年月日'),
    changedOn: col(14, '変更年月日'),
    abolishedOn: col(15, '廃止年月日'),
  },
  s: {
    kind: 's',
    title: '医科診療行為マスター',
    typeLetter: 'S',
    columnCounts: [150],
    codeDigits: 9,
    code: col(2, '診療行為コード'),
    // 4 省略名称 is cut to 32 characters; 112 基本漢字名称 is the full name.
    name: [col(112, '基本漢字名称'), col(4, '省略漢字名称')],
    kana: col(6, '省略カナ名称'),
    sectionLetter: col(84, 'コード表用番号（アルファベット部）'),
    sectionNumber: col(91, 'コード表用番号（区分番号）'),
    changedOn: col(86, '変更年月日'),
    abolishedOn: col(87, '廃止年月日'),
  },
  y: {
    kind: 'y',
    title: '医薬品マスター',
    typeLetter: 'Y',
    // 42 since the October 2024 files: 40 長期収載品関連 and 41 選定療養区分 were added at the end.
    columnCounts: [40, 42],
    codeDigits: 9,
    code: col(2, '医薬品コード'),
    // 4 carries the strength (オステラック錠１００　１００ｍｇ); 34 基本漢字名称 does not.
    name: [col(4, '漢字名称')],
    kana: col(6, 'カナ名称'),
    unit: col(9, '単位漢字名称'),
    dosageForm: col(27, '剤形'),
    changedOn: col(29, '変更年月日'),
    abolishedOn: col(30, '廃止年月日'),
    yjCode: col(31, '薬価基準収載医薬品コード'),
    genericName: col(37, '一般名処方の標準的な記載'),
  },
  t: {
    kind: 't',
    title: '特定器材マスター',
    typeLetter: 'T',
    columnCounts: [38],
    codeDigits: 9,
    code: col(2, '特定器材コード'),
    // 4 is the short name (半切); 36 基本漢字名称 says what it is (フィルム・半切).
    name: [col(36, '基本漢字名称'), col(4, '漢字名称')],
    kana: col(6, 'カナ名称'),
    unit: col(9, '単位漢字名称'),
    // 28 is 経過措置年月日 (00000000 when none), not a validity date.
    changedOn: col(27, '変更年月日'),
    abolishedOn: col(29, '廃止年月日'),
  },
  c: {
    kind: 'c',
    title: 'コメントマスター',
    typeLetter: 'C',
    columnCounts: [30],
    codeDigits: 9,
    // 2 区分, 3 パターン and 4 一連番号 make up the code, which 22 carries whole.
    code: col(22, 'コメントコード'),
    name: [col(6, '漢字名称')],
    // パターン 10 and 90 (810000001, 890000001) are free text, written in the receipt.
    nameMayBeEmpty: true,
    kana: col(8, 'カナ名称'),
    changedOn: col(20, '変更年月日'),
    abolishedOn: col(21, '廃止年月日'),
  },
};
