DROP TABLE mail_notices;
DROP INDEX password_links_user_id;
DROP TABLE password_links;
DROP INDEX outgoing_mail_next_attempt;
DROP TABLE outgoing_mail;
