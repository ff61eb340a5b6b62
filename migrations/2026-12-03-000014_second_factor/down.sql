DROP TABLE second_factor_challenges;
DROP INDEX recovery_codes_user_id;
DROP TABLE recovery_codes;
DROP TABLE totp_secrets;
