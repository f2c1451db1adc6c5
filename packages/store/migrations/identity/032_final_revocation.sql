-- A revocation is final: once a card is suspended or revoked, a My Number
-- card unbound, or consent withdrawn, the accesses it had opened are closed
-- for good; reactivating the card or giving consent back opens nothing, a new
-- presentation is needed.
ALTER TABLE patient_accesses ADD COLUMN closed_at timestamptz;
CREATE INDEX patient_accesses_person_open ON patient_accesses (person_id) WHERE closed_at IS NULL;
