-- Network administration: the participants (insurers, facilities) with what
-- the public directory and the secretariat need, and every status change of a
-- facility with its effective date, so that a past month's fees can be
-- computed again exactly as they were.

ALTER TABLE facilities
  ADD COLUMN address text NOT NULL DEFAULT '',
  ADD COLUMN phone text NOT NULL DEFAULT '',
  -- A facility outside the network's prefecture joins only once the steering committee (運営委員会) has approved it.
  ADD COLUMN committee_approved_on date,
  ADD COLUMN committee_reference text,
  ADD COLUMN committee_recorded_by text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Every status a facility has had, from the day it took effect (a change takes
-- effect at the start of that day). The current status is the last row; the
-- facilities.status column repeats it for the gate's one-row lookup.
CREATE TABLE facility_status_changes (
  id bigserial PRIMARY KEY,
  facility_code char(10) NOT NULL REFERENCES facilities (code),
  status text NOT NULL CHECK (status IN ('applied', 'active', 'suspended', 'left')),
  effective_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by text NOT NULL,            -- a user id, or a process such as demo:seed
  reason text NOT NULL DEFAULT ''
);
CREATE INDEX facility_status_changes_facility ON facility_status_changes (facility_code, effective_on, id);

-- Facilities registered before this migration (or by a process that writes the
-- row directly) get their first history row, so that no participant is missing from the fees.
INSERT INTO facility_status_changes (facility_code, status, effective_on, recorded_at, recorded_by, reason)
  SELECT code, status, (created_at AT TIME ZONE 'Asia/Tokyo')::date, created_at, 'migration', '参加機関管理の開始時点の状態'
    FROM facilities;

CREATE FUNCTION facility_first_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO facility_status_changes (facility_code, status, effective_on, recorded_by, reason)
    VALUES (NEW.code, NEW.status, (now() AT TIME ZONE 'Asia/Tokyo')::date, coalesce(nullif(current_setting('renkei.actor', true), ''), 'system'), '登録');
  RETURN NEW;
END $$;
CREATE TRIGGER facility_first_status AFTER INSERT ON facilities FOR EACH ROW EXECUTE FUNCTION facility_first_status();

-- 保険者: 6 digits (国民健康保険: prefecture 2, insurer 3, check 1) or 8 (法別番号 2 first).
CREATE TABLE insurers (
  number varchar(8) PRIMARY KEY CHECK (number ~ '^([0-9]{6}|[0-9]{8})$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('municipal-nhi', 'nhi-society', 'late-elderly', 'kyokai', 'health-society', 'mutual-aid', 'other')),
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'active', 'suspended', 'left')),
  status_changed_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
