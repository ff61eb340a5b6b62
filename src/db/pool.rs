//! The pool behind its gate, and [`run`], the one way handlers reach the
//! database (always off the async workers).

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;

use super::change_watch::{self, Watch};
use super::checked_connection::suggests_outage;
use super::connection::{AnyConnection, AnyManager, SqlitePragmas};

/// How long a request waits for a pooled connection before answering 503.
const POOL_WAIT: Duration = Duration::from_secs(3);

/// Connections in the pool.
const POOL_SIZE: u32 = 8;

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
    /// Counts units of work that may have changed data, and commits seen
    /// by the [`change_watch`] (see [`Self::changes`]).
    changes: Arc<AtomicU64>,
    watch: Arc<Watch>,
}

/// See [`DbPool::changes`].
#[derive(Debug, Clone, Copy)]
pub struct Changes {
    pub count: u64,
    /// `false` when commits made elsewhere may be missing from `count` (the
    /// change watch is not running, dozing or cut off): then nothing read
    /// earlier may be trusted.
    pub current: bool,
}

impl DbPool {
    /// How many units of database work have finished in this process, and
    /// commits made elsewhere been seen, and whether that count is known to
    /// be current. Read it before a read whose answer is to be remembered;
    /// the answer may be used again while the count is the same and current.
    pub fn changes(&self) -> Changes {
        // Current first: a look that counted a change is stored after it.
        let current = self.watch.is_current();
        Changes {
            count: self.changes.load(Ordering::Acquire),
            current,
        }
    }

    /// Starts watching the database at `url` for commits made outside this
    /// pool; until then [`Self::changes`] is never current.
    pub fn watch_changes(&self, url: &str) -> std::io::Result<()> {
        change_watch::start(url, &self.watch, Arc::clone(&self.changes))
    }
}

impl Deref for DbPool {
    type Target = Pool<AnyManager>;

    fn deref(&self) -> &Self::Target {
        &self.pool
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
        changes: Arc::new(AtomicU64::new(0)),
        watch: Arc::new(Watch::new()),
    })
}

/// Runs one unit of database work, `pool.get()` included, on the blocking
/// thread pool, never on an async worker. Whatever it did, it counts as a
/// change once it has finished (see [`DbPool::changes`]).
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, diesel::result::Error> + Send + 'static,
    T: Send + 'static,
{
    run_on_blocking_thread(pool, work, Some(Arc::clone(&pool.changes))).await
}

/// [`run`] for work that updates and deletes no user and no session (it may
/// read them, insert them, and write other tables): it leaves
/// [`DbPool::changes`] alone, so answers remembered from earlier stay good
/// (a login flood does not wipe them). Should work passed here change one
/// after all, the change watch still sees it within milliseconds.
pub async fn run_not_changing_sessions<T, F>(pool: &DbPool, work: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, diesel::result::Error> + Send + 'static,
    T: Send + 'static,
{
    run_on_blocking_thread(pool, work, None).await
}

/// `changes` is counted on the blocking thread, right after the work: a
/// request dropped while its work runs still counts what that work wrote.
async fn run_on_blocking_thread<T, F>(
    pool: &DbPool,
    work: F,
    changes: Option<Arc<AtomicU64>>,
) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, diesel::result::Error> + Send + 'static,
    T: Send + 'static,
{
    let started = Instant::now();
    let unavailable = || DbError::Unavailable("timed out waiting for a connection".into());
    let gate = Arc::clone(&pool.gate);
    let permit = tokio::time::timeout(POOL_WAIT, gate.acquire_owned())
        .await
        .map_err(|_| unavailable())?
        .map_err(|_| unavailable())?;
    let outages = Arc::clone(&pool.outages);
    let pool = pool.pool.clone();
    tokio::task::spawn_blocking(move || {
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
        if let Some(changes) = changes {
            changes.fetch_add(1, Ordering::AcqRel);
        }
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
