-- Official code masters, versioned: the version that applies to a receipt is
-- the one valid in its 診療年月. Demo vocabulary rows have source 'demo'.

CREATE TABLE master_entries (
  kind char(1) NOT NULL,               -- b 傷病名, z 修飾語, s 診療行為, y 医薬品, t 特定器材, c コメント
  code text NOT NULL,
  valid_from date NOT NULL,
  valid_to date,                       -- exclusive; null while current
  source text NOT NULL DEFAULT 'official',
  name text NOT NULL,
  kana text,
  icd10 text,                          -- b: ICD-10 (2013), no dot
  section text,                        -- s: 区分 (alphabet part + 区分番号, e.g. K282)
  yj_code text,                        -- y: 薬価基準収載医薬品コード
  generic_name text,                   -- y: 一般名処方の標準的な記載
  unit text,                           -- y, t: 単位
  dosage_form text,                    -- y: 剤形 (1 内用, 4 注射, 6 外用)
  modifier_position text,              -- z: prefix or suffix
  abolished_on date,                   -- 廃止年月日
  PRIMARY KEY (kind, code, source, valid_from)
);

CREATE TABLE master_files (
  sha256 text PRIMARY KEY,
  file_name text NOT NULL,
  kind char(1) NOT NULL,
  rows integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
