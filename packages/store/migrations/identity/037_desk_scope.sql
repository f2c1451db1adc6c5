-- The desk acts on a person only after finding them: by their card (its QR
-- text, or their My Number card), or through the identity check at this
-- facility (the person search), which this session then may act on for a
-- while. Merging two persons whose names or birth dates differ is the
-- operator's to approve. Every desk action records the facility.
CREATE TABLE desk_identity_checks (
  session_token_hash text NOT NULL REFERENCES sessions (token_hash),
  person_id uuid NOT NULL REFERENCES persons (id),
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  checked_at timestamptz NOT NULL,
  PRIMARY KEY (session_token_hash, person_id)
);

ALTER TABLE person_links ADD COLUMN facility_code char(10) REFERENCES facilities (code);
-- The merged person's working cards, replaced by the link (a person holds one working card), with the status each had, for an undo.
ALTER TABLE person_links ADD COLUMN replaced_cards jsonb NOT NULL DEFAULT '[]';

CREATE TABLE person_link_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kept_person_id uuid NOT NULL REFERENCES persons (id),
  merged_person_id uuid NOT NULL REFERENCES persons (id),
  differs text[] NOT NULL,                       -- name, birth-date
  requested_by text NOT NULL REFERENCES users (id),
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  requested_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by text REFERENCES users (id),
  decided_at timestamptz,
  decision_note text,
  link_id bigint REFERENCES person_links (id)
);
CREATE INDEX person_link_requests_pending ON person_link_requests (requested_at) WHERE status = 'pending';
