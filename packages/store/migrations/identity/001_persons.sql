-- The identity store: who a person is. Personal fields are encrypted at rest
-- (AES-256-GCM, key outside the database) and found through keyed hashes.

CREATE TABLE persons (
  id uuid PRIMARY KEY,
  sex smallint NOT NULL CHECK (sex IN (1, 2)),
  birth_date_enc bytea NOT NULL,
  birth_date_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX persons_birth_date_hash ON persons (birth_date_hash);

-- One insurance enrollment (保険者番号 + 記号 + 番号 + 枝番) of one person.
-- Family members shared one 記号・番号 before 枝番 existed: the member key
-- therefore includes the birth date and sex.
CREATE TABLE enrollments (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  member_key_hash text NOT NULL UNIQUE,  -- insurer, symbol, number, branch, birth date, sex
  holder_key_hash text NOT NULL,         -- the same without 枝番
  insurer_number text NOT NULL,
  symbol_enc bytea NOT NULL,
  number_enc bytea NOT NULL,
  branch text NOT NULL DEFAULT '',
  first_service_month date NOT NULL,    -- the earliest receipt that showed it
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrollments_person ON enrollments (person_id);
CREATE INDEX enrollments_holder_key_hash ON enrollments (holder_key_hash);

-- Names as the claims gave them (a person may change name: marriage, correction);
-- the spelling that appeared last is the current one.
CREATE TABLE person_names (
  person_id uuid NOT NULL REFERENCES persons (id),
  name_hash text NOT NULL,
  kana_hash text,
  name_enc bytea NOT NULL,
  kana_enc bytea,
  first_service_month date NOT NULL,    -- the earliest receipt that showed it
  PRIMARY KEY (person_id, name_hash)
);
CREATE INDEX person_names_name_hash ON person_names (name_hash);
CREATE INDEX person_names_kana_hash ON person_names (kana_hash);
