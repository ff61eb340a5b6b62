//! Test support shared by both test binaries (`tests/api` and
//! `tests/browser`, each including this directory with `#[path]`): the real
//! server on port 0 with its own fresh database, and what the tests ask of
//! its answers.

mod app;
mod form;
mod oauth;
mod postgres;
mod responses;
pub mod smtp;

pub use app::{TestApp, test_settings};
pub use form::form;
pub use oauth::{
    Browser, ClientSpec, Pkce, TestClient, hidden_fields, hidden_value, location, query_param,
};
pub use postgres::PgDatabase;
pub use responses::{SetCookie, assert_invalid_grant, assert_page_headers, set_cookies};

use latchkey::config::{Argon2Cost, Settings};

/// How long after a commit made outside the server (the test's own
/// connection, as another process) the server is sure to have seen it:
/// `latchkey::db::CHANGES_SEEN_WITHIN`, with room for PostgreSQL's
/// notification on a loaded machine.
pub const CHANGES_SEEN_WITHIN: std::time::Duration = std::time::Duration::from_millis(50);

pub const EMAIL: &str = "alice@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// The environment variable naming a PostgreSQL server for the tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. `.ci/run` always sets it.
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";

/// The environment variable choosing the backend under every `TestApp`:
/// `postgres` (a fresh database on `TEST_POSTGRES_URL` per test) or unset /
/// `sqlite` (a fresh file in the test's data dir).
pub const BACKEND_ENV: &str = "TEST_BACKEND";

/// Whether this run puts every `TestApp` on PostgreSQL. A misspelt backend
/// stops the run rather than quietly testing SQLite twice.
pub fn postgres_backend() -> bool {
    match std::env::var(BACKEND_ENV).as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("{BACKEND_ENV}={other}: use postgres or sqlite"),
    }
}

/// Cheap argon2 parameters, for tests that hash many times.
pub const CHEAP_ARGON2: Argon2Cost = Argon2Cost {
    m_kib: 64,
    t: 1,
    p: 1,
};

/// One hashing worker, one queue slot and verifications slow enough that
/// twenty sign-ins at once overlap on any machine, with per-address limits
/// off: a burst finds the pool full and gets the `503` it answers.
pub fn one_slow_hashing_slot(settings: &mut Settings) {
    settings.hash_workers = 1;
    settings.hash_queue = 1;
    settings.argon2.t = 20;
    settings.rate_limit = false;
}
