-- A key image is drawn in the report: the frame as rendered when it was
-- marked (PNG, sealed as attachments are), written with the mark and never
-- changed, so that a report signed with it renders the same PDF again. A
-- mark made before, or of a frame that cannot be rendered here, has none and
-- is listed by its place only. A text signed before key images were drawn
-- keeps rendering as it was signed: only texts with draws_key_images set
-- draw them.
ALTER TABLE exchange_key_images ADD COLUMN picture_sealed bytea;
ALTER TABLE exchange_texts ADD COLUMN draws_key_images boolean NOT NULL DEFAULT false;
