-- A session is one refresh-token family: created by a login, revoked as a
-- whole by logout, reuse detection, a password change or disabling.
CREATE TABLE sessions (
    id BIGINT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Refresh tokens are stored only as a SHA-256 hash. `used_at` (Unix
-- milliseconds) is set exactly once, by the rotation that consumed the
-- token; `successor_sealed` holds its successor encrypted under a key
-- derived from this token, so only its holder can be handed the same
-- successor again within the grace window.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    successor_sealed TEXT
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
