-- Attempts still being checked, so that throttling counts failures rather
-- than attempts: `in_flight` is trusted only until `lease_until_ms`, so a
-- crashed instance cannot hold an account's allowance for longer.
-- `last_failure_ms` lets housekeeping forget a few stale failures.
ALTER TABLE login_failures ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_failures ADD COLUMN lease_until_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_failures ADD COLUMN last_failure_ms BIGINT NOT NULL DEFAULT 0;
