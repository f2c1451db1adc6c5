-- The network's participants and the three factors of access: terminals (client
-- certificates from the network CA), staff accounts and their sessions, patient
-- cards, and the time-limited patient accesses a card opens.

CREATE TABLE facilities (
  code char(10) PRIMARY KEY,            -- 医療機関コード: prefecture 2, table 1 (医科 1, 歯科 3, 調剤 4), institution 7
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('hospital', 'clinic', 'dental-clinic', 'pharmacy')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('applied', 'active', 'suspended', 'left')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One ID per person, never shared.
CREATE TABLE users (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'liaison', 'facility-admin', 'operator')),
  facility_code char(10) REFERENCES facilities (code),
  password_hash text NOT NULL,          -- argon2id
  must_change_password boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A registered terminal: one client certificate of the network CA, for one named PC.
CREATE TABLE terminals (
  serial text PRIMARY KEY,              -- certificate serial, lower-case hex
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  name text NOT NULL,
  not_after timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminals_facility ON terminals (facility_code);

-- A login, bound to the terminal it was made from. Only a hash of the cookie is kept.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  terminal_serial text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A Renkei card: the QR code carries the card number and a random secret; only
-- a keyed hash of the secret is kept. A reissued card replaces the old one at once.
CREATE TABLE cards (
  card_number text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  secret_hash text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked', 'replaced')),
  label text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  status_changed_at timestamptz
);
CREATE INDEX cards_person ON cards (person_id);

-- What presenting a card opens: one patient, for one user on one terminal, for a while.
CREATE TABLE patient_accesses (
  id text PRIMARY KEY,                  -- random, unguessable
  session_token_hash text NOT NULL REFERENCES sessions (token_hash),
  user_id text NOT NULL REFERENCES users (id),
  terminal_serial text NOT NULL,
  person_id uuid NOT NULL REFERENCES persons (id),
  card_number text NOT NULL REFERENCES cards (card_number),
  opened_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX patient_accesses_session ON patient_accesses (session_token_hash);
