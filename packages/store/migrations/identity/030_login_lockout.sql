-- Lockout that cannot be raced or turned into a weapon. Wrong passwords are
-- counted per (user, terminal), each try reserved by one atomic statement
-- before the password is checked, and that terminal backs off; only many
-- failures from anywhere within a window lock the user everywhere. The user
-- is told at their next login how many failures there were.
CREATE TABLE login_failures (
  user_id text NOT NULL REFERENCES users (id),
  terminal_serial text NOT NULL,
  failures integer NOT NULL,
  blocked_until timestamptz,
  last_failure_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, terminal_serial)
);

-- users.failed_logins now counts the failures of the current window, from every terminal.
ALTER TABLE users ADD COLUMN failure_window_started_at timestamptz;
ALTER TABLE users ADD COLUMN failures_since_login integer NOT NULL DEFAULT 0;

-- Radiological technologists prepare images for the clinicians of their facility.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('doctor', 'dentist', 'pharmacist', 'nurse', 'technologist', 'clerk', 'liaison', 'facility-admin', 'operator'));
