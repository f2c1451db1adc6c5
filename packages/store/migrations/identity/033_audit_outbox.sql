-- The audit record of a change to this store commits with the change, here,
-- sealed under the server key (it names a pseudonym, which this store must
-- not link to a person); it then moves to the hash chain in the clinical
-- store, and is deleted here once the chain holds it.
CREATE TABLE audit_outbox (
  id uuid PRIMARY KEY,
  sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
