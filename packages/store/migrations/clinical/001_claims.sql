-- The clinical store: what happened, under a pseudonym only. No name, no kana,
-- no member number, no exact birth date (birth year is enough for age).

CREATE TYPE receipt_kind AS ENUM ('medical', 'dpc', 'dental', 'pharmacy');
CREATE TYPE event_category AS ENUM ('diagnosis', 'medication', 'procedure', 'test');

-- Ids are time-ordered UUIDs made by the ingest (rows are built before their
-- transaction opens); a later file's id sorts after an earlier one's.

-- One ingested claims file. The digest makes a second ingest of the same bytes a no-op.
CREATE TABLE claim_files (
  id uuid PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  file_name text NOT NULL,
  kind receipt_kind NOT NULL,
  facility_code text NOT NULL,
  billing_month date,
  receipts integer NOT NULL,
  lines integer NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE receipts (
  id uuid PRIMARY KEY,
  file_id uuid NOT NULL REFERENCES claim_files (id),
  pseudonym uuid NOT NULL,
  kind receipt_kind NOT NULL,
  receipt_type text NOT NULL,          -- レセプト種別 (4 digits)
  inpatient boolean NOT NULL,          -- レセプト種別: odd last digit = 入院
  service_month date NOT NULL,         -- 診療年月 / 調剤年月
  billing_month date,                  -- 請求年月
  facility_code text NOT NULL,         -- 10 digits: prefecture, table, institution
  facility_name text,
  prescriber_code text,                -- 調剤: the prescribing facility (10 digits)
  prescriber_name text,
  insurer_number text NOT NULL,        -- '' for 公費単独
  birth_year smallint NOT NULL,
  sex smallint NOT NULL,
  points integer,
  superseded_by uuid REFERENCES receipts (id)
);
-- A receipt that corrects an earlier one shares this key with it.
CREATE INDEX receipts_correction_key ON receipts (pseudonym, insurer_number, facility_code, service_month, kind, inpatient, file_id)
  WHERE superseded_by IS NULL;
CREATE INDEX receipts_file ON receipts (file_id);

-- Diagnoses, medications, procedures and tests, one row per receipt line that
-- carries one. Drugs and devices used inside a procedure or test keep that
-- category, are marked `material` and share its group_no (診療識別 group).
-- Events are found through their receipt (receipts are indexed by pseudonym);
-- keyed by time-ordered receipt ids, their index grows at its right edge.
CREATE TABLE events (
  receipt_id uuid NOT NULL,
  category event_category NOT NULL,
  code_kind char(1) NOT NULL,          -- master: b 傷病名, s 診療行為, y 医薬品, t 特定器材
  code text NOT NULL,
  name text,                           -- only where the receipt names it (未コード化傷病名)
  modifiers text,                      -- 修飾語コード, concatenated 4-digit codes
  icd10 text,                          -- only where the receipt gives it (DPC)
  start_date date,
  outcome smallint,                    -- 転帰区分: 1 継続, 2 治ゆ, 3 死亡, 4 中止
  suspected boolean,
  main boolean,
  dates date[],
  quantity numeric,
  times integer,
  days integer,
  route text,                          -- oral, as-needed, topical, injection, home
  usage text,                          -- 用法
  practice text,                       -- 診療識別
  group_no integer,
  material boolean NOT NULL DEFAULT false
);
CREATE INDEX events_receipt ON events (receipt_id);
