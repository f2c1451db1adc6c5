-- Images: the index of stored DICOM instances (study, series, instance) with
-- the attributes QIDO-RS searches and where each frame lies in its blob. The
-- patient is a pseudonym here; their name, ID and birth date are in the
-- identity store only (imaging_patients). Blobs are encrypted files named by
-- a keyed hash of their content; the key is the server's.

CREATE TABLE imaging_studies (
  study_uid text PRIMARY KEY,
  facility_code text NOT NULL,          -- the facility that stored it
  patient_pseudonym uuid NOT NULL,
  study_date text,                      -- YYYYMMDD as DICOM has it (ranges compare as text)
  study_time text,
  accession_number text,
  -- Study-level attributes of the first instance, in DICOM JSON without the patient's identifiers.
  attributes jsonb NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imaging_studies_facility_date ON imaging_studies (facility_code, study_date);
CREATE INDEX imaging_studies_patient ON imaging_studies (patient_pseudonym);
CREATE INDEX imaging_studies_accession ON imaging_studies (accession_number);

CREATE TABLE imaging_series (
  series_uid text PRIMARY KEY,
  study_uid text NOT NULL REFERENCES imaging_studies (study_uid),
  modality text,
  series_number integer,
  attributes jsonb NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imaging_series_study ON imaging_series (study_uid);

CREATE TABLE imaging_instances (
  sop_instance_uid text PRIMARY KEY,
  series_uid text NOT NULL REFERENCES imaging_series (series_uid),
  study_uid text NOT NULL REFERENCES imaging_studies (study_uid),
  sop_class_uid text NOT NULL,
  transfer_syntax_uid text NOT NULL,
  instance_number integer,
  number_of_frames integer NOT NULL,
  blob_name text NOT NULL,
  content_sha256 text NOT NULL,         -- refuses the same UID with other content
  size bigint NOT NULL,
  crc32 bigint NOT NULL,                -- of the file, for ZIP downloads laid out before they are sent
  frames jsonb,                         -- per frame, its [offset, length] runs in the file
  attributes jsonb NOT NULL,            -- instance-level attributes for QIDO-RS
  metadata_gz bytea NOT NULL,           -- the instance's DICOM JSON, gzip, without the patient's identifiers
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imaging_instances_series ON imaging_instances (series_uid, instance_number);
CREATE INDEX imaging_instances_study ON imaging_instances (study_uid);
CREATE INDEX imaging_instances_blob ON imaging_instances (blob_name);

-- A blob being written: recorded (and committed) before its file, removed in
-- the transaction that indexes it. After a crash, a blob still listed here and
-- indexed by no instance is an orphan, and recovery deletes it.
CREATE TABLE imaging_blob_writes (
  blob_name text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now()
);
