//! Notices commits made outside this process's pool (the CLI, another
//! instance on the same PostgreSQL database, an operator's own SQL) and
//! counts them in [`DbPool::changes`], so that what was remembered from the
//! database before them is no longer trusted.
//!
//! Triggers on `users` and `sessions` (added by [`super::migrate`]) mark
//! every update and delete of what a session check reads, whoever makes it.
//! On SQLite they count in the one-row table `latchkey_change_count`, which
//! a thread of its own reads; on PostgreSQL they notify [`CHANNEL`], on
//! which that thread listens. Inserts are not marked: nothing remembered
//! depends on a row that did not exist.
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
const CHANNEL: &str = "latchkey_changes";

/// The columns a session check reads, by table. An update that leaves them
/// as they were (a login's check-and-set of the password hash, the last
/// use of a session) is not a change.
const WATCHED: [(&str, &str); 2] = [
    ("users", "id, email, password_hash, scopes, disabled"),
    (
        "sessions",
        "user_id, created_at, expires_at, revoked_at, amr",
    ),
];

/// Adds the triggers (and on SQLite the counter) if they are missing.
pub(super) fn install_triggers(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(c) => c.batch_execute(&sqlite_triggers()),
        AnyConnection::Postgresql(c) => c.batch_execute(&postgres_triggers()),
    }
}

/// `(OLD.a, OLD.b) IS DISTINCT FROM (NEW.a, NEW.b)`, spelt for each backend.
fn changed(columns: &str, differ: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("OLD.{c} {differ} NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn sqlite_triggers() -> String {
    let count = "UPDATE latchkey_change_count SET n = n + 1 WHERE id = 1;";
    let mut sql = String::from(
        "CREATE TABLE IF NOT EXISTS latchkey_change_count \
         (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);\n\
         INSERT OR IGNORE INTO latchkey_change_count (id, n) VALUES (1, 0);\n",
    );
    for (table, columns) in WATCHED {
        let when = changed(columns, "IS NOT");
        sql.push_str(&format!(
            "CREATE TRIGGER IF NOT EXISTS latchkey_{table}_updated AFTER UPDATE ON {table} \
             WHEN {when} BEGIN {count} END;\n\
             CREATE TRIGGER IF NOT EXISTS latchkey_{table}_deleted AFTER DELETE ON {table} \
             BEGIN {count} END;\n"
        ));
    }
    sql
}

fn postgres_triggers() -> String {
    let mut sql = format!(
        "CREATE OR REPLACE FUNCTION latchkey_notice_change() RETURNS trigger \
         LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$;\n\
         DO $$ BEGIN\n"
    );
    for (table, columns) in WATCHED {
        let when = changed(columns, "IS DISTINCT FROM");
        sql.push_str(&format!(
            "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'latchkey_{table}_updated' \
             AND tgrelid = '{table}'::regclass) THEN \
             CREATE TRIGGER latchkey_{table}_updated AFTER UPDATE ON {table} FOR EACH ROW \
             WHEN ({when}) EXECUTE FUNCTION latchkey_notice_change(); \
             CREATE TRIGGER latchkey_{table}_deleted AFTER DELETE ON {table} \
             FOR EACH STATEMENT EXECUTE FUNCTION latchkey_notice_change(); \
             END IF;\n"
        ));
    }
    sql.push_str("END $$;\n");
    sql
}

/// How often the thread looks while requests are asking.
const LOOK_EVERY: Duration = Duration::from_millis(1);

/// A count older than this many microseconds (the last look began that
/// long ago) is not trusted: the watcher is dozing, starved or stuck.
const TRUSTED_FOR: u64 = 5_000;

/// Once a commit made elsewhere is this old, no server trusts anything read
/// before it. On SQLite that is exact: a trusted count comes from a look
/// begun within [`TRUSTED_FOR`], after the commit, which then reads it. On
/// PostgreSQL it adds the notification's trip, well under a millisecond on
/// one network.
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
        count: i64,
    },
    Postgresql {
        conn: diesel::PgConnection,
        probed: Instant,
    },
}

#[derive(diesel::QueryableByName)]
struct ChangeCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl Looker {
    fn connect(manager: &AnyManager) -> Result<Self, String> {
        match manager.connect_one().map_err(|e| e.to_string())? {
            AnyConnection::Sqlite(mut conn) => {
                let count = change_count(&mut conn).map_err(|e| e.to_string())?;
                Ok(Self::Sqlite { conn, count })
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
            Self::Sqlite { conn, count } => {
                let now = change_count(conn)?;
                Ok(std::mem::replace(count, now) != now)
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

fn change_count(conn: &mut diesel::SqliteConnection) -> diesel::QueryResult<i64> {
    diesel::sql_query("SELECT n FROM latchkey_change_count WHERE id = 1")
        .get_result::<ChangeCount>(conn)
        .map(|c| c.n)
}
