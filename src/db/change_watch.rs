//! Notices commits made outside this process's pool (the CLI, another
//! instance on the same PostgreSQL database, an operator's own SQL) and
//! counts them in [`DbPool::changes`], so that what was remembered from the
//! database before them is no longer trusted.
//!
//! On SQLite a thread of its own asks `PRAGMA data_version`, which changes
//! whenever another connection has committed. On PostgreSQL it listens on
//! [`CHANNEL`], on which triggers on `users` and `sessions` (created by
//! [`super::migrate`]) notify every update and delete.
//!
//! The count is trusted only while the thread has looked within
//! [`TRUSTED_FOR`]; with nobody asking for a second, the thread dozes and
//! the first request after that reads the database, waking it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::thread::Thread;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use super::connection::{AnyConnection, AnyManager};

/// The PostgreSQL channel the triggers notify.
pub const CHANNEL: &str = "latchkey_changes";

/// How often the thread looks while requests are asking.
const LOOK_EVERY: Duration = Duration::from_millis(1);

/// A count older than this many microseconds (the last look began that
/// long ago) is not trusted: the watcher is dozing, starved or stuck.
const TRUSTED_FOR: u64 = 5_000;

/// Once a commit made elsewhere is this old, no server trusts anything read
/// before it. On SQLite that is exact: a trusted count comes from a look
/// begun within [`TRUSTED_FOR`], after the commit, and `data_version` then
/// shows it. On PostgreSQL it adds the notification's trip, well under a
/// millisecond on one network.
pub const CHANGES_SEEN_WITHIN: Duration = Duration::from_millis(10);

/// Nobody asked for this long: the thread dozes until asked again.
const DOZE_AFTER: Duration = Duration::from_secs(1);

/// On PostgreSQL, a query this often proves the listening connection is
/// alive (a silently dropped one would deliver no notifications).
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// Before connecting again after a failure.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// What requests and the watching thread share.
pub(super) struct Watch {
    origin: Instant,
    /// Microseconds after `origin` when the last look that succeeded began
    /// (0: none yet, or the connection was lost since).
    looked_at: AtomicU64,
    asked_at: AtomicU64,
    dozing: AtomicBool,
    thread: std::sync::OnceLock<Thread>,
}

impl Watch {
    pub(super) fn new() -> Self {
        Self {
            origin: Instant::now(),
            looked_at: AtomicU64::new(0),
            asked_at: AtomicU64::new(0),
            dozing: AtomicBool::new(false),
            thread: std::sync::OnceLock::new(),
        }
    }

    fn micros(&self) -> u64 {
        // Never 0, which means "no look yet".
        (self.origin.elapsed().as_micros() as u64).max(1)
    }

    /// Whether `changes`, read after this, is current. Also tells a dozing
    /// watcher that someone is asking again.
    pub(super) fn is_current(&self) -> bool {
        let now = self.micros();
        self.asked_at.store(now, Ordering::Relaxed);
        if self.dozing.load(Ordering::Acquire) {
            if let Some(thread) = self.thread.get() {
                thread.unpark();
            }
            return false;
        }
        let looked = self.looked_at.load(Ordering::Acquire);
        looked != 0 && now.saturating_sub(looked) <= TRUSTED_FOR
    }
}

/// Starts the thread that watches the database at `url` for commits made
/// elsewhere and counts each in `changes`. It ends soon after the pool that
/// holds `watch` is gone (a server stopped inside a longer process).
pub(super) fn start(url: &str, watch: &Arc<Watch>, changes: Arc<AtomicU64>) -> std::io::Result<()> {
    let manager = AnyManager::new(url);
    let pool_watch = Arc::downgrade(watch);
    let handle = std::thread::Builder::new()
        .name("latchkey-change-watch".into())
        .spawn(move || watch_while_the_pool_lives(&manager, &pool_watch, &changes))?;
    // Only a request that finds the thread dozing needs this, and the thread
    // dozes no sooner than a second after it started.
    let _ = watch.thread.set(handle.thread().clone());
    Ok(())
}

fn watch_while_the_pool_lives(manager: &AnyManager, pool_watch: &Weak<Watch>, changes: &AtomicU64) {
    let mut reported_failure = false;
    while pool_watch.strong_count() > 0 {
        let mut looker = match Looker::connect(manager) {
            Ok(looker) => looker,
            Err(e) => {
                if !reported_failure {
                    tracing::warn!(error = %e, "cannot watch the database for changes; every request reads it");
                    reported_failure = true;
                }
                std::thread::sleep(RETRY_AFTER);
                continue;
            }
        };
        if reported_failure {
            tracing::info!("watching the database for changes again");
        }
        // Anything may have changed while nobody was looking.
        changes.fetch_add(1, Ordering::AcqRel);
        match look_while_connected(&mut looker, pool_watch, changes) {
            Ok(()) => return,
            Err(e) => {
                if let Some(watch) = pool_watch.upgrade() {
                    watch.looked_at.store(0, Ordering::Release);
                }
                tracing::warn!(error = %e, "lost the connection that watches the database for changes");
                reported_failure = true;
                std::thread::sleep(RETRY_AFTER);
            }
        }
    }
}

/// Looks until the connection fails (`Err`) or the pool is gone (`Ok`).
fn look_while_connected(
    looker: &mut Looker,
    pool_watch: &Weak<Watch>,
    changes: &AtomicU64,
) -> diesel::QueryResult<()> {
    loop {
        let Some(watch) = pool_watch.upgrade() else {
            return Ok(());
        };
        let began = watch.micros();
        if looker.changed()? {
            changes.fetch_add(1, Ordering::AcqRel);
        }
        watch.looked_at.store(began, Ordering::Release);
        let idle_for = began.saturating_sub(watch.asked_at.load(Ordering::Relaxed));
        if idle_for > DOZE_AFTER.as_micros() as u64 {
            doze(&watch);
        } else {
            drop(watch);
            std::thread::sleep(LOOK_EVERY);
        }
    }
}

/// Parks until a request asks again, or for a while (to keep the connection
/// in use and to notice the pool is gone). Requests see `dozing` and trust
/// nothing meanwhile.
fn doze(watch: &Watch) {
    watch.dozing.store(true, Ordering::Release);
    std::thread::park_timeout(PROBE_EVERY);
    // Nothing is trusted until the next look, which begins after this.
    watch.looked_at.store(0, Ordering::Release);
    watch.dozing.store(false, Ordering::Release);
}

/// One way of telling that something was committed since the last look.
enum Looker {
    Sqlite {
        conn: diesel::SqliteConnection,
        version: i64,
    },
    Postgresql {
        conn: diesel::PgConnection,
        probed: Instant,
    },
}

#[derive(diesel::QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

impl Looker {
    fn connect(manager: &AnyManager) -> Result<Self, String> {
        match manager.connect_one().map_err(|e| e.to_string())? {
            AnyConnection::Sqlite(mut conn) => {
                let version = data_version(&mut conn).map_err(|e| e.to_string())?;
                Ok(Self::Sqlite { conn, version })
            }
            AnyConnection::Postgresql(mut conn) => {
                conn.batch_execute(&format!("LISTEN {CHANNEL}"))
                    .map_err(|e| e.to_string())?;
                Ok(Self::Postgresql {
                    conn,
                    probed: Instant::now(),
                })
            }
        }
    }

    fn changed(&mut self) -> diesel::QueryResult<bool> {
        match self {
            Self::Sqlite { conn, version } => {
                let now = data_version(conn)?;
                Ok(std::mem::replace(version, now) != now)
            }
            Self::Postgresql { conn, probed } => {
                if probed.elapsed() >= PROBE_EVERY {
                    conn.batch_execute("SELECT 1")?;
                    *probed = Instant::now();
                }
                let mut changed = false;
                for notification in conn.notifications_iter() {
                    notification?;
                    changed = true;
                }
                Ok(changed)
            }
        }
    }
}

fn data_version(conn: &mut diesel::SqliteConnection) -> diesel::QueryResult<i64> {
    diesel::sql_query("PRAGMA data_version")
        .get_result::<DataVersion>(conn)
        .map(|v| v.data_version)
}
