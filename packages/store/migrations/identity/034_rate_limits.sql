-- Rate limits that hold across several server processes: one counter per key
-- (e.g. "login:terminal:1f2e…") and fixed window.
CREATE TABLE rate_limits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
