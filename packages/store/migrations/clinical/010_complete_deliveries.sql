-- A receipt another file replaced stays, with its events, and names that file:
-- an operator sees what a delivery replaced, and undoing the delivery restores it.
ALTER TABLE receipts ADD COLUMN superseded_in uuid REFERENCES claim_files (id);
CREATE INDEX receipts_superseded_in ON receipts (superseded_in) WHERE superseded_in IS NOT NULL;

-- The volumes of one delivery (マルチボリューム) commit together and are undone together:
-- each names the delivery's first volume (a file on its own names itself).
ALTER TABLE claim_files ADD COLUMN delivery_id uuid;
ALTER TABLE claim_files ADD COLUMN volume smallint;
UPDATE claim_files SET delivery_id = id;
ALTER TABLE claim_files ALTER COLUMN delivery_id SET NOT NULL;
CREATE INDEX claim_files_delivery ON claim_files (delivery_id);
