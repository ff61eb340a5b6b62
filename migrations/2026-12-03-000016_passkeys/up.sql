-- Passkeys (WebAuthn credentials). `credential_id` is the authenticator's
-- credential id (base64url); `user_handle` is the WebAuthn user id the
-- authenticator keeps for the person (a random UUID, the same for all of
-- one person's passkeys, never their email); `credential` is the public
-- key and signature counter as webauthn-rs serialises them: public data.
CREATE TABLE passkeys (
    credential_id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_handle TEXT NOT NULL,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);

-- A ceremony between its start and its finish: the challenge and what
-- webauthn-rs needs to check the answer, shared by every instance. The
-- browser holds the id (by SHA-256 here); a finish deletes the row, so a
-- challenge works once. `purpose` is `register`, `sign_in` or
-- `second_factor`; `user_id` is who registers or who gave the password
-- (NULL for a sign-in, where the passkey says who it is); `binding` is
-- the SHA-256 of the second-factor challenge token it belongs to.
CREATE TABLE passkey_ceremonies (
    id_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    binding TEXT,
    name TEXT,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
