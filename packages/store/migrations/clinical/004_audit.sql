-- The audit trail: every read of personal data, every ingest, every login.
-- Append-only (the database refuses UPDATE and DELETE) and hash-chained with
-- the server's audit key, so that an altered or removed record is detected.

CREATE TABLE audit_events (
  id bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,                 -- user id, or the process (e.g. cli:history)
  actor_kind text NOT NULL CHECK (actor_kind IN ('person', 'process')),
  role text,
  facility text,
  terminal text,
  action text NOT NULL,
  pseudonym uuid,                      -- the patient concerned, if any
  outcome text NOT NULL,               -- allowed, refused, failed
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_events_pseudonym ON audit_events (pseudonym, at) WHERE pseudonym IS NOT NULL;

-- The end of the chain; its row lock serializes appends.
CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_chain_head (last_id, last_hash) VALUES (0, 'genesis');

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
