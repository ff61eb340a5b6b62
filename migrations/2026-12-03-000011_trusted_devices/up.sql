-- Browsers that have signed in to an account before (OWASP's device
-- cookie). Only a SHA-256 of the cookie is stored; `account_key` is the
-- same hashed email as in login_failures.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_account_key ON trusted_devices (account_key);
