-- The desk's 'identify' challenge (the My Number card names its holder for
-- consent and the access log). 005_my_number.sql once admitted it by an edit in
-- place, which databases that had already applied 005 never saw; the check is
-- widened here instead, under the same name, so that a database that applied
-- either text of 005 ends with the same constraint.
ALTER TABLE my_number_challenges DROP CONSTRAINT my_number_challenges_purpose_check;
ALTER TABLE my_number_challenges ADD CONSTRAINT my_number_challenges_purpose_check CHECK (purpose IN ('bind', 'present', 'identify'));
