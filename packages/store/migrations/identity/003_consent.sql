-- Participation is the default (opt-out): a patient may withdraw consent, and
-- later give it back. Every change is kept; the latest one per person counts.
CREATE TABLE consent_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  withdrawn boolean NOT NULL,
  recorded_by text NOT NULL REFERENCES users (id),
  facility_code char(10),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_changes_person ON consent_changes (person_id, id DESC);
