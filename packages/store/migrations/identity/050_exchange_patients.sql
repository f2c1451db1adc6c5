-- Consultations between facilities (exchange): who the patient of an item is,
-- kept here, apart from the item's clinical contents (clinical store,
-- exchange_items), as the claims are. One row per item, written before the
-- item and deleted with it (retention or a deletion request). Personal fields
-- are encrypted with the server's field key; the keyed hashes find a
-- patient's items for a deletion request (様式2) without decrypting.
CREATE TABLE exchange_patients (
  item_id uuid PRIMARY KEY,
  facility_code char(10) NOT NULL,          -- the sender's facility, whose patient ID this is
  name_enc bytea NOT NULL,
  kana_enc bytea NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male', 'female', 'other')),
  birth_date_enc bytea NOT NULL,
  patient_id_enc bytea NOT NULL,
  patient_key bytea NOT NULL,               -- keyed hash of facility code and the sender's patient ID
  name_key bytea NOT NULL,                  -- keyed hash of the name (spaces removed) and birth date
  kana_key bytea NOT NULL,                  -- keyed hash of the kana (spaces removed) and birth date
  -- The patient's (or, for a minor, a guardian's) consent to the sending, recorded by the sender.
  consent_on date,
  consent_by text CHECK (consent_by IN ('patient', 'guardian')),
  consent_obtained_by text,
  consent_form text CHECK (consent_form IN ('written', 'oral', 'electronic')),
  delete_on date NOT NULL,                  -- as the item's: retention deletes both on their own
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_patients_patient_key ON exchange_patients (patient_key);
CREATE INDEX exchange_patients_name_key ON exchange_patients (name_key);
CREATE INDEX exchange_patients_kana_key ON exchange_patients (kana_key);
CREATE INDEX exchange_patients_delete_on ON exchange_patients (delete_on);

-- Deletion requests (様式2 データ削除申請) as the operator recorded and carried
-- them out: what was asked by which facility and what was deleted, never who
-- the patient was.
CREATE TABLE exchange_deletion_requests (
  id uuid PRIMARY KEY,
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  facility_name text NOT NULL,              -- as the notice printed it
  network_name text NOT NULL,
  received_on date NOT NULL,
  reference text NOT NULL DEFAULT '',
  found_by text NOT NULL CHECK (found_by IN ('patient-id', 'name-and-birth-date')),
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  deleted_items integer NOT NULL,
  deleted_instances integer NOT NULL,
  deleted_bytes bigint NOT NULL,
  notice_sha256 text NOT NULL
);
