//! One integration-test binary: every test starts the real server on port 0
//! with a fresh database and talks HTTP to it.

mod admin;
mod bad_input;
mod browser_flow;
mod cli;
mod cli_help;
mod db_copy;
mod device_cookie;
mod form_origin;
mod helpers;
mod housekeeping;
mod import;
mod keys;
mod layering;
mod logs;
mod metrics;
mod multi_instance;
mod oauth2_client;
mod openapi;
mod outage;
mod postgres;
mod process;
mod refresh;
mod scheduling;
mod shutdown;
mod signing_keys;
mod systemd;
mod throttling;
mod token;
mod users_me;
