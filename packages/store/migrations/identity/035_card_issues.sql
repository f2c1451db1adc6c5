-- A person holds at most one working Renkei card: issuing one replaces every
-- card before it, so that a card made behind the patient's back stops the
-- patient's own, and they notice. Each issue keeps who issued it, where, and
-- which identity document they checked; each status change, who and where.
ALTER TABLE cards ADD COLUMN issued_by text REFERENCES users (id);
ALTER TABLE cards ADD COLUMN issued_at_facility char(10) REFERENCES facilities (code);
ALTER TABLE cards ADD COLUMN identity_document text
  CHECK (identity_document IN ('health-insurance-card', 'my-number-insurance-card', 'eligibility-certificate', 'other'));
ALTER TABLE cards ADD COLUMN status_changed_by text REFERENCES users (id);
ALTER TABLE cards ADD COLUMN status_changed_at_facility char(10) REFERENCES facilities (code);
UPDATE cards SET status = 'replaced', status_changed_at = now()
 WHERE status IN ('active', 'suspended')
   AND EXISTS (SELECT 1 FROM cards newer WHERE newer.person_id = cards.person_id AND newer.issued_at > cards.issued_at AND newer.status IN ('active', 'suspended'));
CREATE UNIQUE INDEX cards_one_working_per_person ON cards (person_id) WHERE status IN ('active', 'suspended');
