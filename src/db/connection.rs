//! One connection type for SQLite and PostgreSQL, opened by URL scheme,
//! with SQLite's per-connection settings.

use diesel::ConnectionError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::CustomizeConnection;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use super::checked_connection::CheckedConnection;
use super::location::{describe, sqlite_open_error};
use super::sqlite_file::{create_private_file, sqlite_path};

/// A connection to either backend; which one is decided by the URL at run time.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Opens connections by URL scheme, so a failure keeps its real cause
/// ("connection refused", "unable to open database file") instead of
/// diesel's generic multi-connection message.
#[derive(Debug, Clone)]
pub struct AnyManager {
    url: String,
    /// Bumped when work fails as if the database went away: connections
    /// returned before that are tested before their next use.
    pub(super) outages: Arc<AtomicU64>,
}

impl AnyManager {
    /// A manager for the database at `url` (`postgres://`, `sqlite://`).
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            outages: Arc::default(),
        }
    }

    /// One connection outside the pool, with the pool's per-connection
    /// settings (for the command-line tools).
    pub fn connect_one(&self) -> Result<AnyConnection, diesel::r2d2::Error> {
        let mut conn = self.open()?;
        SqlitePragmas::apply(&mut conn)?;
        Ok(conn)
    }

    pub(super) fn open(&self) -> Result<AnyConnection, diesel::r2d2::Error> {
        let connection = if self.is_postgres() {
            diesel::PgConnection::establish(&self.url)
                .map(AnyConnection::Postgresql)
                .map_err(|e| {
                    ConnectionError::BadConnection(format!(
                        "cannot connect to {}: {e}",
                        describe(&self.url)
                    ))
                })
        } else {
            let path = sqlite_path(&self.url);
            create_private_file(path);
            diesel::SqliteConnection::establish(path)
                .map(AnyConnection::Sqlite)
                // SQLite says "unable to open database file" for every
                // cause; the file system says which one it is.
                .map_err(|e| ConnectionError::BadConnection(sqlite_open_error(&self.url, e)))
        };
        connection.map_err(diesel::r2d2::Error::ConnectionError)
    }

    /// Whether the URL names a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        is_postgres_url(&self.url)
    }
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Per-connection SQLite settings. WAL is switched on once, at migration
/// time, because it is stored in the file.
#[derive(Debug)]
pub(super) struct SqlitePragmas;

impl SqlitePragmas {
    pub(super) fn apply(conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            for pragma in [
                "PRAGMA busy_timeout = 5000;",
                "PRAGMA synchronous = NORMAL;",
                "PRAGMA foreign_keys = ON;",
            ] {
                c.batch_execute(pragma)
                    .map_err(diesel::r2d2::Error::QueryError)?;
            }
        }
        Ok(())
    }
}

impl CustomizeConnection<CheckedConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut CheckedConnection) -> Result<(), diesel::r2d2::Error> {
        Self::apply(conn)
    }
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Text;

    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }

    /// `.cargo/config.toml` sets these; a build without them still works
    /// but parses a statement again on every `.first()` and serialises
    /// connections on global mutexes (about half the `/users/me` rate).
    #[test]
    fn bundled_sqlite_is_compiled_with_the_options_latchkey_relies_on() {
        let mut conn = AnyManager::new("sqlite://:memory:")
            .connect_one()
            .expect("an in-memory SQLite database");
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .expect("PRAGMA compile_options")
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        let has = |name: &str| options.iter().any(|o| o == name);
        assert!(has("ENABLE_QPSG"), "compile options: {options:?}");
        assert!(has("DEFAULT_MEMSTATUS=0"), "compile options: {options:?}");
        assert!(
            !options
                .iter()
                .any(|o| o.starts_with("ENABLE_MEMORY_MANAGEMENT")),
            "compile options: {options:?}"
        );
    }
}
