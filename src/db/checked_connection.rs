//! Pooled connections and when they are tested: staleness after idling or
//! an outage, and what r2d2 asks of a connection manager.

use std::ops::Deref;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::ManageConnection;

use super::connection::{AnyConnection, AnyManager};

/// A pooled connection, with what decides when it is tested. r2d2 can test
/// every check-out with a `SELECT 1`, which on PostgreSQL is a second round
/// trip for each request (measured: `GET /users/me` 10,600 rps with it). A
/// PostgreSQL connection is instead tested when it comes back from failed
/// work, and before use when it sat idle for [`IDLE_BEFORE_TEST`] or was
/// returned before some work failed as if the server went away; one that
/// fails the test (after a database restart, say) is dropped. A SQLite
/// connection is a file handle in this process and cannot go stale.
pub struct CheckedConnection {
    pub(super) conn: AnyConnection,
    pub(super) failed: bool,
    pub(super) returned: Instant,
    /// [`AnyManager::outages`] when it was returned.
    pub(super) outages_seen: u64,
}

/// How long a PostgreSQL connection may sit in the pool before it is tested
/// again on check-out.
const IDLE_BEFORE_TEST: Duration = Duration::from_secs(1);

impl CheckedConnection {
    pub(super) fn may_be_stale(&self, outages: u64) -> bool {
        matches!(self.conn, AnyConnection::Postgresql(_))
            && (self.outages_seen != outages || self.returned.elapsed() >= IDLE_BEFORE_TEST)
    }
}

/// Errors after which a connection, and the others from before, may be dead.
pub(super) fn suggests_outage(error: &diesel::result::Error) -> bool {
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
