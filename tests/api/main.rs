//! One integration-test binary: every test starts the real server on port 0
//! with a fresh database and talks HTTP to it, through `TestApp` in
//! `tests/support` (shared with the browser tests).

mod admin;
mod applications;
mod authlib_client;
mod bad_input;
mod browser_flow;
mod cli;
mod cli_database;
mod cli_help;
mod cli_messages;
mod consent_redirect;
mod db_copy;
mod device_cookie;
mod form_origin;
mod forward_auth;
mod housekeeping;
mod import;
mod keys;
mod languages;
mod layering;
mod login_timing;
mod logs;
mod mail;
mod metrics;
mod multi_instance;
mod oauth2_client;
mod oidc;
mod openapi;
mod outage;
mod packaging;
mod passkeys;
mod postgres;
mod process;
mod refresh;
mod scheduling;
mod second_factor;
mod sessions_remembered;
mod shutdown;
mod signing_keys;
#[path = "../support/mod.rs"]
mod support;
mod systemd;
mod terminal;
mod throttling;
mod token;
mod users_me;
