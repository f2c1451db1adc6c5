-- Checkpoints of the audit trail, which lives in the clinical store: the last
-- record's id and hash at a moment, signed with the server's audit key. Kept
-- here (and in a file in the data directory) so that cutting the trail's tail
-- and moving its head back, in the clinical store, leaves a trace elsewhere.
-- Each server process is one writer, numbering its checkpoints 1, 2, 3, …

CREATE TABLE audit_checkpoints (
  n bigserial PRIMARY KEY,             -- insertion order: a verification reads the rows up to the n it started at
  writer uuid NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  chain_id bigint NOT NULL,
  chain_hash text NOT NULL,
  at timestamptz NOT NULL,
  log text NOT NULL,                   -- host:path of the checkpoint file the writer wrote it to first
  stored integer NOT NULL,             -- the writer's checkpoints 1 to this one were stored here when it was made
  hmac text NOT NULL,
  UNIQUE (writer, seq)
);
CREATE INDEX audit_checkpoints_chain_id ON audit_checkpoints (chain_id);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit checkpoints are append-only';
END;
$$;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
