-- The patients of stored images as the sending facility identified them
-- (Patient ID, name, birth date of the DICOM header), encrypted, linked to
-- the clinical index by a pseudonym only.
CREATE TABLE imaging_patients (
  pseudonym uuid PRIMARY KEY,
  facility_code text NOT NULL,
  patient_id_hash text NOT NULL,        -- keyed hash of the facility and Patient ID, for QIDO-RS
  patient_id_enc bytea NOT NULL,
  name_enc bytea,                       -- DICOM JSON person name (Alphabetic, Ideographic, Phonetic)
  birth_date_enc bytea,
  elements_enc bytea NOT NULL,          -- every identifying element, DICOM JSON
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imaging_patients_facility_id ON imaging_patients (facility_code, patient_id_hash);
