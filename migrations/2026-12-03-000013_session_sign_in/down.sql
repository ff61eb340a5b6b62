ALTER TABLE sessions DROP COLUMN last_used_at;
ALTER TABLE sessions DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE clients DROP COLUMN id_token_alg;
ALTER TABLE authorization_codes DROP COLUMN amr;
ALTER TABLE sessions DROP COLUMN browser_session_id;
ALTER TABLE sessions DROP COLUMN amr;
ALTER TABLE sessions DROP COLUMN auth_time;
