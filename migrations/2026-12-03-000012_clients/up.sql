-- Applications (OAuth2 clients). A confidential client's secret is stored
-- as a SHA-256 only (it is 256 random bits, so a slow hash adds nothing);
-- a public client has none. Lists are space-separated, like scopes.
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '',
    grants TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT '',
    trusted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

-- What a person allowed an application, so consent is asked once (and
-- again when the application asks for more).
CREATE TABLE consents (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Authorization codes, by SHA-256 only; single use (`used_at`), and
-- `issued_session_id` names what the first use issued, so that a replay
-- can revoke it. `browser_session_id` is the sign-in the code came from.
CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce TEXT,
    auth_time BIGINT NOT NULL,
    browser_session_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    issued_session_id BIGINT
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

-- A session opened for an application is bound to it: its refresh tokens
-- work only for that client. Removing the client revokes them (no foreign
-- key: SQLite cannot drop a column that has one).
ALTER TABLE sessions ADD COLUMN client_id TEXT;
CREATE INDEX sessions_client_id ON sessions (client_id);
