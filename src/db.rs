//! The database: one connection type for SQLite and PostgreSQL, the pool, and
//! [`run`], the one way handlers reach it (always off the async workers).

pub mod copy;
pub mod housekeeping;
pub mod login_failures;
pub mod schema;
pub mod sessions;
pub mod trusted_devices;
pub mod users;

use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a request waits for a pooled connection before answering 503.
const POOL_WAIT: Duration = Duration::from_secs(3);

/// Connections in the pool.
const POOL_SIZE: u32 = 8;

/// Arbitrary but fixed: every latchkey instance takes this advisory lock
/// around migrations, so instances started together migrate exactly once.
const MIGRATION_LOCK_ID: i64 = 0x6c61_7463_686b_6579; // "latchkey"

/// A connection to either backend; which one is decided by the URL at run time.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// The connection pool behind a gate with one permit per connection: at
/// most as many units of work hop to blocking threads as there are
/// connections. Without it, under load, dozens of blocking threads park on
/// the pool and are all woken for every connection handed back (measured:
/// most of the CPU of `GET /users/me` at concurrency 64 went to futex
/// wake-ups and context switches); behind the gate the rest wait as cheap
/// async tasks.
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<AnyManager>,
    gate: Arc<tokio::sync::Semaphore>,
    /// The manager's [`AnyManager::outages`].
    outages: Arc<AtomicU64>,
}

impl Deref for DbPool {
    type Target = Pool<AnyManager>;

    fn deref(&self) -> &Self::Target {
        &self.pool
    }
}

/// A pooled connection, with what decides when it is tested. r2d2 can test
/// every check-out with a `SELECT 1`, which on PostgreSQL is a second round
/// trip for each request (measured: `GET /users/me` 10,600 rps with it). A
/// PostgreSQL connection is instead tested when it comes back from failed
/// work, and before use when it sat idle for [`IDLE_BEFORE_TEST`] or was
/// returned before some work failed as if the server went away; one that
/// fails the test (after a database restart, say) is dropped. A SQLite
/// connection is a file handle in this process and cannot go stale.
pub struct CheckedConnection {
    conn: AnyConnection,
    failed: bool,
    returned: Instant,
    /// [`AnyManager::outages`] when it was returned.
    outages_seen: u64,
}

/// How long a PostgreSQL connection may sit in the pool before it is tested
/// again on check-out.
const IDLE_BEFORE_TEST: Duration = Duration::from_secs(1);

impl CheckedConnection {
    fn may_be_stale(&self, outages: u64) -> bool {
        matches!(self.conn, AnyConnection::Postgresql(_))
            && (self.outages_seen != outages || self.returned.elapsed() >= IDLE_BEFORE_TEST)
    }
}

/// Errors after which a connection, and the others from before, may be dead.
fn suggests_outage(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection
                | DatabaseErrorKind::UnableToSendCommand
                | DatabaseErrorKind::Unknown,
            _
        ) | Error::BrokenTransactionManager
    )
}

impl Deref for CheckedConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for CheckedConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// Why a unit of database work did not complete.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
}

/// Opens connections by URL scheme, so a failure keeps its real cause
/// ("connection refused", "unable to open database file") instead of
/// diesel's generic multi-connection message.
#[derive(Debug, Clone)]
pub struct AnyManager {
    url: String,
    /// Bumped when work fails as if the database went away: connections
    /// returned before that are tested before their next use.
    outages: Arc<AtomicU64>,
}

impl AnyManager {
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

    fn open(&self) -> Result<AnyConnection, diesel::r2d2::Error> {
        let connection = if self.is_postgres() {
            diesel::PgConnection::establish(&self.url).map(AnyConnection::Postgresql)
        } else {
            let path = sqlite_path(&self.url);
            create_private_file(path);
            diesel::SqliteConnection::establish(path).map(AnyConnection::Sqlite)
        };
        connection.map_err(diesel::r2d2::Error::ConnectionError)
    }

    pub fn is_postgres(&self) -> bool {
        is_postgres_url(&self.url)
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Creates a missing SQLite file with mode 0600 before SQLite opens it:
/// it holds password hashes, and SQLite would create it with the umask's
/// mode. SQLite gives the `-wal` and `-shm` files the main file's mode.
/// An existing file is left as it is (see [`warn_if_readable`]); any
/// failure is left for SQLite to report.
fn create_private_file(path: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return;
    }
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
}

/// Warns about each of the SQLite file and its `-wal` and `-shm` files
/// that group or others may read: it holds password hashes.
fn warn_if_readable(path: &str) {
    use std::os::unix::fs::PermissionsExt;
    for file in [
        path.to_owned(),
        format!("{path}-wal"),
        format!("{path}-shm"),
    ] {
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %file, "the database file is open to other users; chmod 600 it");
        }
    }
}

/// The file path of a `sqlite://PATH` (or `sqlite:PATH`) URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

impl ManageConnection for AnyManager {
    type Connection = CheckedConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<CheckedConnection, Self::Error> {
        Ok(CheckedConnection {
            conn: self.open()?,
            failed: false,
            returned: Instant::now(),
            outages_seen: self.outages.load(Ordering::Relaxed),
        })
    }

    fn is_valid(&self, conn: &mut CheckedConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut CheckedConnection) -> bool {
        // A connection returned while a panic unwinds may sit inside an open
        // transaction; never hand it out again.
        if std::thread::panicking() {
            return true;
        }
        conn.returned = Instant::now();
        conn.outages_seen = self.outages.load(Ordering::Relaxed);
        std::mem::take(&mut conn.failed) && self.is_valid(conn).is_err()
    }
}

/// Per-connection SQLite settings. WAL is switched on once, at migration
/// time, because it is stored in the file.
#[derive(Debug)]
struct SqlitePragmas;

impl SqlitePragmas {
    fn apply(conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
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

/// Builds the pool. It opens one connection up front, so a wrong URL fails
/// start-up with the real cause instead of at the first request.
pub fn build_pool(url: &str) -> Result<DbPool, String> {
    let manager = AnyManager::new(url);
    let outages = Arc::clone(&manager.outages);
    // Surface the real error first: r2d2 only reports a timeout.
    drop(manager.open().map_err(|e| e.to_string())?);
    // No `SELECT 1` on every check-out: see `CheckedConnection`.
    let pool = Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .connection_timeout(POOL_WAIT)
        .test_on_check_out(false)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| e.to_string())?;
    Ok(DbPool {
        pool,
        gate: Arc::new(tokio::sync::Semaphore::new(POOL_SIZE as usize)),
        outages,
    })
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

/// Runs one unit of database work, `pool.get()` included, on the blocking
/// thread pool, never on an async worker.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, diesel::result::Error> + Send + 'static,
    T: Send + 'static,
{
    let started = Instant::now();
    let unavailable = || DbError::Unavailable("timed out waiting for a connection".into());
    let gate = Arc::clone(&pool.gate);
    let permit = actix_web::rt::time::timeout(POOL_WAIT, gate.acquire_owned())
        .await
        .map_err(|_| unavailable())?
        .map_err(|_| unavailable())?;
    let outages = Arc::clone(&pool.outages);
    let pool = pool.pool.clone();
    actix_web::web::block(move || {
        // Held until the work is done, even if the request is dropped.
        let _permit = permit;
        // The wait at the gate counts against the same budget.
        let get = || {
            pool.get_timeout(POOL_WAIT.saturating_sub(started.elapsed()))
                .map_err(|e| DbError::Unavailable(e.to_string()))
        };
        let mut conn = get()?;
        // Ends: a connection that fails the test is dropped on its return,
        // and the pool opens fresh ones, which are never stale.
        while conn.may_be_stale(outages.load(Ordering::Relaxed))
            && conn.batch_execute("SELECT 1").is_err()
        {
            outages.fetch_add(1, Ordering::Relaxed);
            conn.failed = true;
            drop(conn);
            conn = get()?;
        }
        let done = work(&mut conn);
        if let Err(e) = &done {
            conn.failed = true;
            if suggests_outage(e) {
                outages.fetch_add(1, Ordering::Relaxed);
            }
        }
        done.map_err(DbError::Query)
    })
    .await
    .map_err(|e| DbError::Unavailable(format!("blocking pool: {e}")))?
}

/// SQLite admits one writer at a time, and a connection that finds the
/// write lock taken sleeps in SQLite's busy handler (1 ms, then longer)
/// however soon the lock is released. This process's writers queue here
/// instead and each is woken as soon as the one before has committed; the
/// busy handler is left to arbitrate with other processes.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

/// A read-modify-write transaction. On SQLite it starts with
/// `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction
/// that reads and then writes fails with "database is locked" under
/// concurrency, whatever the busy timeout.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if matches!(conn, AnyConnection::Postgresql(_)) {
        return conn.transaction(work);
    }
    let _writer = SQLITE_WRITER.lock().unwrap_or_else(PoisonError::into_inner);
    conn.batch_execute("BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => match conn.batch_execute("COMMIT") {
            Ok(()) => Ok(value),
            Err(e) => {
                // Best effort: the original error is the one worth reporting.
                let _ = conn.batch_execute("ROLLBACK");
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = conn.batch_execute("ROLLBACK");
            Err(e)
        }
    }
}

/// A random positive 63-bit id: portable across both backends, which share
/// no autoincrement syntax.
pub fn random_id() -> i64 {
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    (u64::from_le_bytes(bytes) >> 1) as i64
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
