-- The operator's review list: patterns of use worth a look (a card issued and
-- the history opened at the same facility at once, for a person with no
-- claims from there; many cards issued by one ID in a day; many patients
-- opened by one ID in an hour). The patterns are found from the cards and the
-- accesses themselves; what is kept here is that an item was reviewed, by
-- whom, with a note.
CREATE TABLE reviews (
  item_id text PRIMARY KEY,
  reviewed_by text NOT NULL REFERENCES users (id),
  reviewed_at timestamptz NOT NULL,
  note text NOT NULL DEFAULT ''
);
CREATE INDEX cards_issued ON cards (issued_at);
CREATE INDEX patient_accesses_opened ON patient_accesses (opened_at);
