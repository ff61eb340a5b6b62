DROP TABLE passkey_ceremonies;
DROP INDEX passkeys_user_id;
DROP TABLE passkeys;
