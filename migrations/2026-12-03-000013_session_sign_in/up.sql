-- What an id_token says of the sign-in behind a session: when the person
-- entered their password (`auth_time`), how (`amr`, space-separated), and
-- the browser session it came from (`sid`). Sessions of latchkey's own
-- sign-in are their own sign-in; an application's session copies these
-- from the authorization code, so refreshes repeat the same values.
ALTER TABLE sessions ADD COLUMN auth_time BIGINT;
ALTER TABLE sessions ADD COLUMN amr TEXT;
ALTER TABLE sessions ADD COLUMN browser_session_id BIGINT;
ALTER TABLE authorization_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
-- How an application wants its id_tokens signed: RS256 (what every
-- relying party supports) unless it asked for EdDSA at registration.
ALTER TABLE clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'RS256';
-- Where a session was opened and when it was last used (renewed), for the
-- account page's list of sessions. `last_used_at` moves at each refresh,
-- so it is as fresh as the access-token lifetime.
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT;
