//! Attempts that found an account's allowance held by attempts still being
//! checked wait here to be woken when one of those is settled, instead of
//! being refused. Entries exist only while someone waits, so the table is
//! bounded by the requests in progress.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use crate::db::login_failures::Outcome;

#[derive(Default)]
pub struct AccountWaiters {
    waiting: Mutex<HashMap<String, Arc<Notify>>>,
}

/// One attempt's place in the queue of an account.
pub struct Waiter<'a> {
    table: &'a AccountWaiters,
    key: String,
    pub notify: Arc<Notify>,
}

impl AccountWaiters {
    /// A place among those waiting on `key`, unless `limit` already wait.
    pub fn subscribe(&self, key: &str, limit: usize) -> Option<Waiter<'_>> {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let notify = waiting.entry(key.to_owned()).or_default();
        // The table holds one reference, each waiter another.
        if Arc::strong_count(notify) > limit {
            return None;
        }
        Some(Waiter {
            table: self,
            key: key.to_owned(),
            notify: Arc::clone(notify),
        })
    }

    /// An attempt on `key` was settled. A failure may have throttled the
    /// account, which every waiter must hear; otherwise one place came
    /// free, and waking everyone for it would only make them queue on the
    /// database for it.
    pub fn wake(&self, key: &str, outcome: Outcome) {
        let waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        match (waiting.get(key), outcome) {
            (Some(notify), Outcome::Failed) => notify.notify_waiters(),
            (Some(notify), _) => notify.notify_one(),
            (None, _) => {}
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let mut waiting = self
            .table
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // The table's own reference and ours: nobody else waits.
        if Arc::strong_count(&self.notify) == 2 {
            waiting.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_lives_only_while_someone_waits() {
        let table = AccountWaiters::default();
        let first = table.subscribe("a", 2).expect("a place");
        let second = table.subscribe("a", 2).expect("a place");
        assert!(table.subscribe("a", 2).is_none(), "only two may wait");
        assert_eq!(table.len(), 1);
        drop(first);
        assert_eq!(table.len(), 1);
        drop(second);
        assert_eq!(table.len(), 0);
    }
}
