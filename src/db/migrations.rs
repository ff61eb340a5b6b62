//! Schema migrations, embedded in the binary and applied exactly once even
//! when instances start together.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::connection::{AnyConnection, AnyManager};
use super::sqlite_file::{sqlite_path, warn_if_readable};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Arbitrary but fixed: every latchkey instance takes this advisory lock
/// around migrations, so instances started together migrate exactly once.
const MIGRATION_LOCK_ID: i64 = 0x6c61_7463_686b_6579; // "latchkey"

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
            c.batch_execute("PRAGMA busy_timeout = 5000;")?;
            c.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        AnyConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_ID})"))?;
        }
    }
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.len())
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
    if let AnyConnection::Postgresql(c) = &mut conn {
        c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})"))?;
    }
    applied
}
