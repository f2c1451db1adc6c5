-- The PACS and modalities that may send images to the C-STORE gateway: each
-- facility registers its AE titles (and, if it wishes, the address they
-- connect from). An association from any other AE title is refused.
CREATE TABLE dicom_peers (
  ae_title text PRIMARY KEY CHECK (ae_title ~ '^[ -~]{1,16}$' AND ae_title = btrim(ae_title)),
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  address text,                         -- the source address it must connect from; NULL: any
  registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dicom_peers_facility ON dicom_peers (facility_code);
