//! The database: storage, with no policy and no HTTP. One connection type
//! for SQLite and PostgreSQL, the pool, and [`run`], the one way handlers
//! reach it (always off the async workers); one file per table family.

pub mod authorization_codes;
mod change_watch;
mod checked_connection;
pub mod clients;
mod connection;
pub mod copy;
pub mod housekeeping;
mod ids;
mod location;
pub mod login_failures;
pub mod mail_notices;
mod migrations;
pub mod outgoing_mail;
pub mod passkeys;
pub mod password_links;
mod pool;
pub mod schema;
pub mod second_factor;
pub mod sessions;
mod sqlite_file;
pub mod trusted_devices;
pub mod users;
mod write_transaction;

pub use change_watch::CHANGES_SEEN_WITHIN;
pub use connection::{AnyConnection, AnyManager, is_postgres_url};
pub use location::describe;
pub use migrations::{is_initialised, migrate};
pub use pool::{Changes, DbError, DbPool, build_pool, run, run_not_changing_sessions};
pub use sqlite_file::sqlite_path;
pub use write_transaction::write_transaction;
