ALTER TABLE login_failures DROP COLUMN last_failure_ms;
ALTER TABLE login_failures DROP COLUMN lease_until_ms;
ALTER TABLE login_failures DROP COLUMN in_flight;
