-- Outgoing mail, sent by a background queue on every instance. A row is
-- claimed for a while (`claimed_until_ms`) by the instance sending it, so
-- two instances never send the same mail; it is deleted once sent, and
-- marked `failed_at` after a day of failed attempts (then purged). The
-- bodies may hold a password link: a secret, gone with the row.
CREATE TABLE outgoing_mail (
    id BIGINT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    claimed_until_ms BIGINT NOT NULL DEFAULT 0,
    failed_at BIGINT
);
CREATE INDEX outgoing_mail_next_attempt ON outgoing_mail (next_attempt_ms);

-- Links that let a person choose a password: "forgot password" (30
-- minutes) and invitations (7 days). By SHA-256 only; single use.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_links_user_id ON password_links (user_id);

-- When a rate-limited notice (e.g. "your account is throttled") last went
-- to a user, shared by all instances.
CREATE TABLE mail_notices (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
