-- Key images (キー画像) of a reading: the instances (and frames) the reader
-- marks in the studies attached to an item, which the report lists. A key
-- image taken back is kept with the time it was removed, so that a report
-- signed earlier still renders the key images it showed when it was signed
-- (its PDF is checked against the SHA-256 kept at signing). The series and
-- instance numbers are copied from the image index at marking, so that the
-- report does not depend on the index.
CREATE TABLE exchange_key_images (
  id uuid PRIMARY KEY,
  item_id uuid NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
  study_uid text NOT NULL,
  series_uid text NOT NULL,
  sop_instance_uid text NOT NULL,
  frame integer NOT NULL DEFAULT 1 CHECK (frame >= 1),
  series_number integer,
  instance_number integer,
  note text NOT NULL DEFAULT '',
  marked_by text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  removed_by text,
  removed_at timestamptz,
  CHECK ((removed_by IS NULL) = (removed_at IS NULL))
);
CREATE INDEX exchange_key_images_item ON exchange_key_images (item_id, marked_at);
-- One mark per frame while it stands.
CREATE UNIQUE INDEX exchange_key_images_frame ON exchange_key_images (item_id, sop_instance_uid, frame) WHERE removed_at IS NULL;
