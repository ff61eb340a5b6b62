DROP INDEX sessions_client_id;
ALTER TABLE sessions DROP COLUMN client_id;
DROP TABLE authorization_codes;
DROP TABLE consents;
DROP TABLE clients;
