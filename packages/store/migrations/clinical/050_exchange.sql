-- Consultations between facilities (exchange): reading requests (読影依頼),
-- referrals (患者紹介), progress reports (経過報告) and plain sharing (連携).
-- The clinical contents only: the patient is in the identity store
-- (exchange_patients, same id). Staff appear by user ID and facility code.

CREATE TABLE exchange_items (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('reading', 'referral', 'progress', 'share')),
  status text NOT NULL CHECK (status IN ('draft', 'sent', 'received', 'accepted', 'interim', 'final', 'declined', 'withdrawn')),
  from_facility char(10) NOT NULL,
  from_user text NOT NULL,                  -- the sending clinician
  prepared_by text,                         -- a technologist who prepared it for them
  to_facility char(10) NOT NULL,
  to_user text,                             -- the addressee, or the clinician the liaison assigned; null: the facility's liaison
  to_liaison boolean NOT NULL,              -- addressed to the facility (its 地域連携室), not to a named user
  in_reply_to uuid,
  department text NOT NULL DEFAULT '',
  subject text NOT NULL,
  body text NOT NULL,
  urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  reply_by timestamptz,
  studies text[] NOT NULL DEFAULT '{}',     -- StudyInstanceUIDs in the image store
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  received_at timestamptz,
  answered_at timestamptz,                  -- the final report or the decline
  delete_on date NOT NULL,                  -- retention: a year (RENKEI_RETENTION_DAYS) from sending
  letter_sha256 text,                       -- the request's PDF as rendered when it was sent
  letter_parties jsonb,                     -- the names the letter printed (facilities, users, network), kept with it so that it renders the same later
  CHECK (urgency = 'normal' OR reply_by IS NOT NULL)
);
CREATE INDEX exchange_items_to_user ON exchange_items (to_user, sent_at DESC) WHERE to_user IS NOT NULL;
CREATE INDEX exchange_items_from_user ON exchange_items (from_user, created_at DESC);
CREATE INDEX exchange_items_prepared_by ON exchange_items (prepared_by, created_at DESC) WHERE prepared_by IS NOT NULL;
CREATE INDEX exchange_items_to_facility ON exchange_items (to_facility, sent_at DESC);
CREATE INDEX exchange_items_from_facility ON exchange_items (from_facility, created_at DESC);
CREATE INDEX exchange_items_delete_on ON exchange_items (delete_on);
CREATE INDEX exchange_items_stats ON exchange_items (sent_at) WHERE kind = 'reading';

-- Nothing sent is edited: only the status, the times it moves and the
-- assignment change; a correction is an addendum (exchange_texts).
CREATE FUNCTION exchange_items_sent_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.sent_at IS NOT NULL AND (NEW.kind, NEW.from_facility, NEW.from_user, NEW.to_facility, NEW.to_liaison, NEW.department, NEW.subject, NEW.body,
                                  NEW.urgency, NEW.reply_by, NEW.studies, NEW.sent_at, NEW.letter_sha256, NEW.letter_parties, NEW.delete_on)
     IS DISTINCT FROM (OLD.kind, OLD.from_facility, OLD.from_user, OLD.to_facility, OLD.to_liaison, OLD.department, OLD.subject, OLD.body,
                       OLD.urgency, OLD.reply_by, OLD.studies, OLD.sent_at, OLD.letter_sha256, OLD.letter_parties, OLD.delete_on) THEN
    RAISE EXCEPTION 'exchange item % was sent: it is not edited, add an addendum', OLD.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER exchange_items_sent_unchanged BEFORE UPDATE ON exchange_items FOR EACH ROW EXECUTE FUNCTION exchange_items_sent_unchanged();

-- Every step of an item, with who and when: created, sent, received, accepted,
-- assigned, interim, final, declined, withdrawn, addendum.
CREATE TABLE exchange_events (
  id bigserial PRIMARY KEY,
  item_id uuid NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
  step text NOT NULL,
  actor text NOT NULL,
  actor_facility char(10),
  at timestamptz NOT NULL DEFAULT now(),
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX exchange_events_item ON exchange_events (item_id, id);

-- The texts written on an item after it was sent: reports (interim, final),
-- declines with their reason, and addenda. Signed (author, facility, time)
-- and never changed; each report's PDF SHA-256 is kept as rendered at signing.
CREATE TABLE exchange_texts (
  id bigserial PRIMARY KEY,
  item_id uuid NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('interim', 'final', 'declined', 'addendum')),
  author text NOT NULL,
  author_facility char(10) NOT NULL,
  author_name text NOT NULL,                -- as signed
  author_facility_name text NOT NULL,
  findings text NOT NULL DEFAULT '',
  impression text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  signed_at timestamptz NOT NULL,
  pdf_sha256 text
);
CREATE INDEX exchange_texts_item ON exchange_texts (item_id, id);

CREATE FUNCTION exchange_texts_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'exchange texts are signed: add an addendum instead';
END $$;
CREATE TRIGGER exchange_texts_unchanged BEFORE UPDATE ON exchange_texts FOR EACH ROW EXECUTE FUNCTION exchange_texts_unchanged();

-- Attached files (JPEG, PNG, PDF), encrypted with a key no store holds.
CREATE TABLE exchange_attachments (
  id uuid PRIMARY KEY,
  item_id uuid NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
  name text NOT NULL,
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_attachments_item ON exchange_attachments (item_id);

-- E-mail notices, written in the transaction of the change they tell of and
-- delivered after it, with retries. A notice names the recipient's user ID
-- (the address is read from their settings at delivery) and the kind of
-- news, nothing of the item or the patient.
CREATE TABLE exchange_mail_outbox (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL,
  notice text NOT NULL,
  item_kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  dropped_reason text,
  last_error text
);
CREATE INDEX exchange_mail_outbox_due ON exchange_mail_outbox (next_attempt_at) WHERE delivered_at IS NULL AND dropped_reason IS NULL;
