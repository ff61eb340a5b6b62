-- Failed-login counters per account, shared by every instance. Keyed on a
-- SHA-256 of the normalised email (whether or not the account exists), so
-- text typed into the email field is never stored.
CREATE TABLE login_failures (
    account_key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    day_start BIGINT NOT NULL,
    day_failures BIGINT NOT NULL,
    blocked_until_ms BIGINT NOT NULL
);
