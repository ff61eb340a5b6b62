//! One integration-test binary: every test starts the real server on port 0
//! with a fresh database and talks HTTP to it.

mod admin;
mod bad_input;
mod browser_flow;
mod cli;
mod helpers;
mod keys;
mod oauth2_client;
mod postgres;
mod refresh;
mod signing_keys;
mod token;
mod users_me;
