//! The database: storage, with no policy and no HTTP. One connection type
//! for SQLite and PostgreSQL, the pool, and [`run`], the one way handlers
//! reach it (always off the async workers); one file per table family.

pub mod authorization_codes;
mod checked_connection;
pub mod clients;
mod connection;
pub mod copy;
pub mod housekeeping;
mod ids;
mod location;
pub mod login_failures;
mod migrations;
pub mod passkeys;
mod pool;
pub mod schema;
pub mod second_factor;
pub mod sessions;
mod sqlite_file;
pub mod trusted_devices;
pub mod users;
mod write_transaction;

pub use connection::{AnyConnection, AnyManager, is_postgres_url};
pub use location::describe;
pub use migrations::{is_initialised, migrate};
pub use pool::{DbError, DbPool, build_pool, run};
pub use sqlite_file::sqlite_path;
pub use write_transaction::write_transaction;
