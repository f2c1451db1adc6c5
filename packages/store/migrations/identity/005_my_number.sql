-- The My Number card as a patient's key. At enrollment the desk binds the
-- card's user-authentication certificate to the person; later the card signs a
-- fresh challenge and the binding names the patient. Only the certificate's
-- fingerprint, issuer and serial are kept: never the My Number itself, which
-- that certificate does not carry.
CREATE TABLE my_number_bindings (
  fingerprint text PRIMARY KEY,          -- SHA-256 of the certificate (DER), hex
  person_id uuid NOT NULL REFERENCES persons (id),
  issuer text NOT NULL,
  serial text NOT NULL,
  not_after timestamptz NOT NULL,
  bound_at timestamptz NOT NULL DEFAULT now(),
  bound_by text NOT NULL REFERENCES users (id),
  unbound_at timestamptz,
  unbound_by text REFERENCES users (id)
);
CREATE INDEX my_number_bindings_person ON my_number_bindings (person_id);

-- A challenge the server asked a card to sign: for one session, one purpose, once, for a short while.
CREATE TABLE my_number_challenges (
  challenge text PRIMARY KEY,
  session_token_hash text NOT NULL REFERENCES sessions (token_hash),
  purpose text NOT NULL CHECK (purpose IN ('bind', 'present')),
  expires_at timestamptz NOT NULL
);

-- A patient access is opened by a Renkei card or by a My Number card.
ALTER TABLE patient_accesses ALTER COLUMN card_number DROP NOT NULL;
ALTER TABLE patient_accesses ADD COLUMN my_number_fingerprint text REFERENCES my_number_bindings (fingerprint);
ALTER TABLE patient_accesses ADD CONSTRAINT patient_accesses_one_key CHECK ((card_number IS NULL) <> (my_number_fingerprint IS NULL));
