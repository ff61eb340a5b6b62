//! Accounts this instance has just seen throttled, so that the attempts
//! that keep coming meanwhile are answered `429` from memory: under a
//! guessing run, refusing must cost no database round.
//!
//! Only a memo: the database decides, and an entry is believed for at most
//! [`BELIEVED_FOR`], so a throttle that ends early (a password reset, a
//! success on a trusted device) holds at most that long here, and a
//! blocked-for-the-day account costs one database read per that time.
//! Bounded: at most [`CAPACITY`] entries, expired ones dropped from the
//! front on each insert, the oldest evicted when full; nothing scans the
//! whole table.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

/// How long a throttle the database reported is believed without asking.
pub const BELIEVED_FOR_MS: i64 = 10_000;
/// Accounts remembered at once.
pub const CAPACITY: usize = 16_384;

#[derive(Default)]
pub struct ThrottledAccounts {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Account key → until when (unix ms) it is believed throttled.
    until: HashMap<String, i64>,
    /// Keys in the order they were remembered (oldest first); a key
    /// remembered again appears twice, its stale place skipped on eviction.
    order: VecDeque<(String, i64)>,
}

impl ThrottledAccounts {
    /// Milliseconds left of a throttle remembered for `key`, if any.
    pub fn remaining_ms(&self, key: &str, now_ms: i64) -> Option<i64> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let until = *inner.until.get(key)?;
        (until > now_ms).then_some(until - now_ms)
    }

    /// The database said `key` must wait `wait_ms`.
    pub fn remember(&self, key: &str, wait_ms: i64, now_ms: i64) {
        let until = now_ms + wait_ms.clamp(0, BELIEVED_FOR_MS);
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((oldest, stamp)) = inner.order.front().cloned() {
            let expired = stamp <= now_ms;
            if !expired && inner.until.len() < CAPACITY {
                break;
            }
            inner.order.pop_front();
            // Only the entry this place was made for (not a later renewal).
            if inner.until.get(&oldest) == Some(&stamp) {
                inner.until.remove(&oldest);
            }
        }
        inner.until.insert(key.to_owned(), until);
        inner.order.push_back((key.to_owned(), until));
    }

    /// Forgets `key` at once: this instance saw its throttle end.
    pub fn forget(&self, key: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.until.remove(key);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.until.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_is_believed_until_it_ends_and_never_beyond_the_cap() {
        let memo = ThrottledAccounts::default();
        memo.remember("a", 3_000, 1_000);
        assert_eq!(memo.remaining_ms("a", 1_000), Some(3_000));
        assert_eq!(memo.remaining_ms("a", 3_999), Some(1));
        assert_eq!(memo.remaining_ms("a", 4_000), None);
        assert_eq!(memo.remaining_ms("b", 1_000), None);
        // Blocked for the day: believed for the cap only, then asked again.
        memo.remember("day", 86_400_000, 0);
        assert_eq!(memo.remaining_ms("day", 0), Some(BELIEVED_FOR_MS));
        assert_eq!(memo.remaining_ms("day", BELIEVED_FOR_MS), None);
        memo.forget("a");
        memo.remember("a", 1_000, 10_000);
        memo.forget("a");
        assert_eq!(memo.remaining_ms("a", 10_000), None);
    }

    #[test]
    fn the_table_stays_bounded_and_drops_what_expired_first() {
        let memo = ThrottledAccounts::default();
        for i in 0..CAPACITY + 100 {
            memo.remember(&format!("k{i}"), 5_000, 0);
        }
        assert_eq!(memo.len(), CAPACITY);
        assert_eq!(memo.remaining_ms("k0", 0), None, "the oldest was evicted");
        assert!(
            memo.remaining_ms(&format!("k{}", CAPACITY + 99), 0)
                .is_some()
        );
        // Once they expired, the next insert clears them from the front.
        memo.remember("late", 5_000, 6_000);
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn renewing_a_key_keeps_its_latest_throttle() {
        let memo = ThrottledAccounts::default();
        memo.remember("a", 1_000, 0);
        memo.remember("a", 5_000, 500);
        // The first place expires, but the renewal stands.
        memo.remember("b", 1_000, 1_500);
        assert_eq!(memo.remaining_ms("a", 1_500), Some(4_000));
    }
}
