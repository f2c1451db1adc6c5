-- Where the gateway sends a study back to a registered PACS (C-STORE SCU): its
-- host and port; the AE title it is called by is the one it is registered as.
-- Both or neither: a peer without them only sends to the gateway.
ALTER TABLE dicom_peers
  ADD COLUMN export_host text CHECK (export_host ~ '^[A-Za-z0-9.:-]{1,253}$'),
  ADD COLUMN export_port integer CHECK (export_port BETWEEN 1 AND 65535),
  ADD CONSTRAINT dicom_peers_export_both CHECK ((export_host IS NULL) = (export_port IS NULL));
