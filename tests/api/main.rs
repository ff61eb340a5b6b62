//! One integration-test binary: every test starts the real server on port 0
//! with a fresh database and talks HTTP to it.

mod bad_input;
mod cli;
mod cli_help;
mod helpers;
mod keys;
mod logs;
mod metrics;
mod oauth2_client;
mod postgres;
mod process;
mod shutdown;
mod systemd;
mod token;
mod users_me;
