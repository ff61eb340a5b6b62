//! Read-modify-write transactions that hold on SQLite under concurrency.

use std::sync::{Mutex, PoisonError};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::connection::AnyConnection;

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
