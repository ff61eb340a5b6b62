//! latchkey: a small, fast, self-hosted login service.
//!
//! How a request flows:
//! - [`startup::Application`] builds everything from [`config::Settings`]
//!   and binds the listener; `main.rs` and the tests both go through it.
//! - [`routes::configure`] is the route table; one module per area under
//!   `routes/`. Handlers return [`error::ApiError`], which alone decides
//!   what a client sees.
//! - [`auth::authenticate`] is the one password check, shared by the form
//!   and `/token`: per-address and per-account throttling first (an
//!   account's attempts beyond its free failures wait in
//!   [`auth::account_waiters`]; a browser's [`auth::device`] cookie earns
//!   it a counter of its own), then one verification (unknown users cost
//!   the same as known ones, failures are padded to the dearest kind of
//!   stored hash by [`auth::failure_time`]); hashing runs only on the
//!   bounded [`auth::hasher::Hasher`].
//! - [`http::extract::Caller`] is the signed-in caller (bearer header or
//!   session cookie, renewed from the refresh cookie when it has expired);
//!   [`auth::session`] opens and rotates sessions (refresh families, whose
//!   rules are [`auth::rotation`]);
//!   [`auth::jwt::TokenSigner`] signs with the key ring of [`auth::keys`].
//! - [`auth::second_factor`] (TOTP, recovery codes) and [`auth::passkeys`]
//!   (WebAuthn through webauthn-rs, ceremonies kept in the database) are
//!   the second factors; a passkey also signs in alone.
//! - The database is reached only through [`db::run`], which runs the
//!   whole unit of work off the async workers; queries live in `db/`.
//! - [`housekeeping`] purges, in the background, what can no longer
//!   matter: ended sessions, stale throttling counters, expired devices.
//! - [`mail`] queues mail in the database; a task on every instance sends
//!   it over SMTP in the background, so no page waits for a mail server.
//! - [`state::AppState`] holds the pool, hasher, signer, settings and
//!   [`metrics::Metrics`], so each test server gets its own world; the one
//!   process-wide thing is the SQLite writer lock in [`db`], which orders
//!   this process's writers.
//! - [`serve::run`] is `latchkey serve` from start to exit: systemd's socket
//!   or our own, `READY=1`, the watchdog, and a graceful stop on SIGTERM
//!   ([`systemd`] holds the protocol pieces).
//! - The other subcommands live in [`commands`] (users, keys, `db copy`,
//!   `user import`).
//! - [`telemetry`] is the log output; ERROR is for the operator, so actix's
//!   reports of a client's malformed request are written as WARN.
//!
//! Layers, and what may import what (arrows run downwards only; checked by
//! `tests/api/layering.rs`):
//! - [`routes`] → [`http`], [`auth`], [`mail`], [`db`]: one file per page or
//!   endpoint.
//! - [`mail`]: rendering, the queue and the SMTP client → [`db`]; no HTTP.
//! - [`http`]: what touches a request (extractors, [`http::cookies`], CSRF,
//!   client address, middleware) → [`auth`], [`db`]; never [`routes`].
//! - [`auth`]: policy, no actix and no HTTP shapes; it returns
//!   [`auth::AuthError`], which [`error`] maps to what a client sees → [`db`].
//! - [`db`]: storage, no policy and no HTTP; queries take plain data (a
//!   refresh token by its hash, not the token).
//! - [`i18n`] (the catalogues of page and mail text, and choosing a
//!   language) is read by `routes`, `http`, `mail` and `config`, and reads
//!   nothing of ours.
//! - [`config`] is read by all and reads nothing of ours but [`i18n`];
//!   [`clock`] is the wall clock, read by all.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod error;
pub mod housekeeping;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod metrics;
pub mod routes;
pub mod serve;
pub mod startup;
pub mod state;
pub mod systemd;
pub mod telemetry;
