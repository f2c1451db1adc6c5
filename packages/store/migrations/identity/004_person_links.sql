-- A person outlives an insurer: when the desk finds that two persons (as the
-- claims saw them) are one patient, the second's enrollments, names and cards
-- move to the first. The link records exactly what moved, so that a wrong link
-- can be undone. Clinical rows never change: they are filed per enrollment.
CREATE TABLE person_links (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kept_person_id uuid NOT NULL REFERENCES persons (id),
  merged_person_id uuid NOT NULL REFERENCES persons (id),
  enrollment_ids uuid[] NOT NULL,
  name_hashes text[] NOT NULL,
  card_numbers text[] NOT NULL,
  linked_by text NOT NULL REFERENCES users (id),
  linked_at timestamptz NOT NULL DEFAULT now(),
  undone_by text REFERENCES users (id),
  undone_at timestamptz
);
CREATE INDEX person_links_kept ON person_links (kept_person_id) WHERE undone_at IS NULL;
CREATE INDEX person_links_merged ON person_links (merged_person_id) WHERE undone_at IS NULL;
