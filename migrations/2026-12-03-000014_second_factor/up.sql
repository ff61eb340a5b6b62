-- TOTP second factors (RFC 6238). `secret` is the base32 shared secret:
-- not encrypted at rest (the database already holds what would decrypt
-- it on the same host) but never logged or shown after set-up.
-- `enabled_at` stays NULL until the person has entered one right code;
-- `last_step` is the last time step accepted, so a code works once.
CREATE TABLE totp_secrets (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes, by SHA-256 only.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);

-- A password accepted, a second factor still to come: the browser holds
-- the token (by SHA-256 here) for a few minutes.
CREATE TABLE second_factor_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verified_hash TEXT NOT NULL,
    next TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
