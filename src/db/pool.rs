//! The pool behind its gate, and [`run`], the one way handlers reach the
//! database (always off the async workers).

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;

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
    })
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
