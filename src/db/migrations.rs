//! Schema migrations, embedded in the binary and applied exactly once even
//! when instances start together.

use std::path::Path;

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::connection::{AnyConnection, AnyManager};
use super::location::sqlite_open_error;
use super::sqlite_file::{sqlite_path, warn_if_readable};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Arbitrary but fixed: every latchkey instance takes this advisory lock
/// around migrations, so instances started together migrate exactly once.
const MIGRATION_LOCK_ID: i64 = 0x6c61_7463_686b_6579; // "latchkey"

/// Whether `url` holds a latchkey database already: the SQLite file
/// exists, or the PostgreSQL database has been migrated. Creates nothing.
pub fn is_initialised(url: &str) -> anyhow::Result<bool> {
    if !super::is_postgres_url(url) {
        // A file that cannot even be looked at exists for all we know:
        // opening it then says why it cannot be used.
        return Ok(Path::new(sqlite_path(url)).try_exists().unwrap_or(true));
    }
    let mut conn = AnyManager::new(url).open()?;
    let AnyConnection::Postgresql(c) = &mut conn else {
        return Ok(true);
    };
    let migrated = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "to_regclass('__diesel_schema_migrations') IS NOT NULL",
    ))
    .get_result(c)?;
    Ok(migrated)
}

/// Applies pending migrations through a connection of its own. On SQLite it
/// also turns on WAL; on PostgreSQL an advisory lock serialises instances.
pub fn migrate(url: &str) -> anyhow::Result<usize> {
    let manager = AnyManager::new(url);
    if !manager.is_postgres() {
        warn_if_readable(sqlite_path(url));
    }
    let mut conn = manager.open()?;
    match &mut conn {
        AnyConnection::Sqlite(c) => {
            // SQLite opens lazily: an unreadable file fails here, first.
            c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
                .map_err(|e| anyhow::anyhow!(sqlite_open_error(url, e)))?;
        }
        AnyConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_ID})"))?;
        }
    }
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.len())
        .map_err(|e| anyhow::anyhow!("cannot migrate {}: {e}", super::describe(url)));
    // Under the migration lock on PostgreSQL; SQLite has one writer.
    let noticed = applied
        .is_ok()
        .then(|| super::change_watch::install_triggers(&mut conn));
    if let AnyConnection::Postgresql(c) = &mut conn {
        c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})"))?;
    }
    if let Some(Err(e)) = noticed {
        anyhow::bail!(
            "cannot add the change triggers to {}: {e}",
            super::describe(url)
        );
    }
    applied
}
