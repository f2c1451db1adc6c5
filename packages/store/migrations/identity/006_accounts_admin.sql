-- Network administration of staff IDs and terminals: who issued what, the
-- e-mail address a user keeps in their personal settings, when an ID was
-- deactivated, and which certificate a renewal replaced.

ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD COLUMN issued_by text;
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
CREATE INDEX users_facility ON users (facility_code);

ALTER TABLE terminals ADD COLUMN issued_by text;
-- A renewal issues a new certificate for the same PC and revokes the old one.
ALTER TABLE terminals ADD COLUMN renewed_from text REFERENCES terminals (serial);
ALTER TABLE terminals ADD COLUMN revoked_reason text CHECK (revoked_reason IN ('revoked', 'renewed'));
