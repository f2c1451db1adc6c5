-- Clinicians' IDs (doctor, dentist, pharmacist, nurse) come from the network's
-- secretariat only, after an application, as the network's rules say: a
-- facility administrator files the application with the licence number, an
-- operator approves it (the ID is issued) or refuses it, with a note.
CREATE TABLE user_applications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('doctor', 'dentist', 'pharmacist', 'nurse')),
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  email text,
  licence_number text NOT NULL,
  applied_by text NOT NULL REFERENCES users (id),
  applied_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by text REFERENCES users (id),
  decided_at timestamptz,
  decision_note text
);
CREATE INDEX user_applications_pending ON user_applications (applied_at) WHERE status = 'pending';
CREATE INDEX user_applications_facility ON user_applications (facility_code, applied_at DESC);

ALTER TABLE users ADD COLUMN licence_number text;
ALTER TABLE users ADD COLUMN application_id bigint REFERENCES user_applications (id);
