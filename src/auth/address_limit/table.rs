//! A table of counters with a fixed upper size: sharded, each shard a
//! vector of slots with a hash index and a clock hand. Every access does a
//! bounded amount of work (a couple of sweep steps, at most
//! [`EVICTION_CANDIDATES`] looks when full), so nothing ever walks the
//! whole table on a request.
//!
//! Eviction, when a shard is full, takes among the next few slots under the
//! hand the first expired one, else the one with the fewest failures (then
//! the fewest attempts). A new client is never refused a slot, but pushing
//! out an address at its failure limit takes every candidate around it to
//! hold at least as many failures, each earned by a real, hashed, failed
//! login; a flood of fresh addresses only evicts other fresh addresses.
//! The price: under such a flood, light counters (a few failures) are
//! forgotten early, which only ever favours a client.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Shards, so that logins from different addresses rarely wait on each
/// other's lock.
const SHARDS: usize = 16;
/// Slots looked at to pick a victim when a shard is full.
const EVICTION_CANDIDATES: usize = 8;
/// Slots the hand checks for expiry on every access: more than the one
/// slot an access may add, so expired entries drain while traffic flows.
const SWEEP_STEPS: usize = 2;
const MINUTE: Duration = Duration::from_secs(60);

/// A count over a fixed window that restarts when it has passed.
#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
}

impl Window {
    fn new(now: Instant) -> Self {
        Self {
            started: now,
            count: 0,
        }
    }

    fn is_over(&self, now: Instant, length: Duration) -> bool {
        now.saturating_duration_since(self.started) >= length
    }

    /// The count in the window of `length` containing `now`.
    fn current(&mut self, now: Instant, length: Duration) -> &mut u32 {
        if self.is_over(now, length) {
            *self = Self::new(now);
        }
        &mut self.count
    }

    fn count_at(&self, now: Instant, length: Duration) -> u32 {
        if self.is_over(now, length) {
            0
        } else {
            self.count
        }
    }

    fn remaining(&self, now: Instant, length: Duration) -> Duration {
        length.saturating_sub(now.saturating_duration_since(self.started))
    }
}

/// Failures over the table's failure window, attempts over a minute.
#[derive(Debug)]
pub struct Counters {
    failures: Window,
    attempts: Window,
}

impl Counters {
    fn new(now: Instant) -> Self {
        Self {
            failures: Window::new(now),
            attempts: Window::new(now),
        }
    }

    /// How long to wait, if `failure_limit` failures or `attempt_limit`
    /// attempts a minute are used up.
    pub fn wait(
        &mut self,
        now: Instant,
        failure_window: Duration,
        failure_limit: u32,
        attempt_limit: u32,
    ) -> Option<Duration> {
        if *self.failures.current(now, failure_window) >= failure_limit {
            return Some(self.failures.remaining(now, failure_window));
        }
        if *self.attempts.current(now, MINUTE) >= attempt_limit {
            return Some(self.attempts.remaining(now, MINUTE));
        }
        None
    }

    pub fn count_attempt(&mut self, now: Instant) {
        let attempts = self.attempts.current(now, MINUTE);
        *attempts = attempts.saturating_add(1);
    }

    pub fn count_failure(&mut self, now: Instant, failure_window: Duration) {
        let failures = self.failures.current(now, failure_window);
        *failures = failures.saturating_add(1);
    }

    fn is_expired(&self, now: Instant, failure_window: Duration) -> bool {
        self.failures.is_over(now, failure_window) && self.attempts.is_over(now, MINUTE)
    }

    /// What forgetting this entry would give away; the least is evicted.
    fn worth(&self, now: Instant, failure_window: Duration) -> (u32, u32) {
        (
            self.failures.count_at(now, failure_window),
            self.attempts.count_at(now, MINUTE),
        )
    }
}

pub struct Table<K> {
    shards: Box<[Mutex<Shard<K>>]>,
    /// Keyed at random per table, so no one can aim their addresses at the
    /// shard of someone they mean to push out.
    spread: RandomState,
    failure_window: Duration,
}

struct Shard<K> {
    index: HashMap<K, usize>,
    slots: Vec<(K, Counters)>,
    capacity: usize,
    hand: usize,
}

impl<K: Copy + Eq + Hash> Table<K> {
    /// A table of at most `capacity` entries.
    pub fn new(capacity: usize, failure_window: Duration) -> Self {
        Self::with_shards(capacity, SHARDS, failure_window)
    }

    fn with_shards(capacity: usize, shards: usize, failure_window: Duration) -> Self {
        let shards = shards.clamp(1, capacity.max(1));
        let per_shard = (capacity / shards).max(1);
        Self {
            shards: (0..shards)
                .map(|_| {
                    Mutex::new(Shard {
                        index: HashMap::new(),
                        slots: Vec::new(),
                        capacity: per_shard,
                        hand: 0,
                    })
                })
                .collect(),
            spread: RandomState::new(),
            failure_window,
        }
    }

    /// Runs `work` on the counters of `key`, made fresh if it had none.
    pub fn with<R>(&self, key: K, now: Instant, work: impl FnOnce(&mut Counters) -> R) -> R {
        let mut shard = self.shard(&key);
        shard.sweep(now, self.failure_window);
        work(shard.entry(key, now, self.failure_window))
    }

    /// Entries held, expired ones not yet swept included.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        (0..self.shards.len())
            .map(|i| lock(&self.shards[i]).slots.len())
            .sum()
    }

    fn shard(&self, key: &K) -> MutexGuard<'_, Shard<K>> {
        let at = self.spread.hash_one(key) as usize % self.shards.len();
        lock(&self.shards[at])
    }
}

/// A panic elsewhere cannot leave counters half-updated in a harmful way,
/// so a poisoned lock is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<K: Copy + Eq + Hash> Shard<K> {
    fn entry(&mut self, key: K, now: Instant, failure_window: Duration) -> &mut Counters {
        if let Some(&at) = self.index.get(&key) {
            return &mut self.slots[at].1;
        }
        let fresh = (key, Counters::new(now));
        let at = if self.slots.len() < self.capacity {
            self.slots.push(fresh);
            self.slots.len() - 1
        } else {
            let at = self.victim(now, failure_window);
            let (evicted, _) = std::mem::replace(&mut self.slots[at], fresh);
            self.index.remove(&evicted);
            at
        };
        self.index.insert(key, at);
        &mut self.slots[at].1
    }

    /// Drops expired entries under the hand, a few slots per access.
    fn sweep(&mut self, now: Instant, failure_window: Duration) {
        for _ in 0..SWEEP_STEPS {
            if self.slots.is_empty() {
                return;
            }
            if self.hand >= self.slots.len() {
                self.hand = 0;
            }
            if self.slots[self.hand].1.is_expired(now, failure_window) {
                let (gone, _) = self.slots.swap_remove(self.hand);
                self.index.remove(&gone);
                // The last slot moved into the hole; the hand looks at it next.
                if let Some((moved, _)) = self.slots.get(self.hand) {
                    self.index.insert(*moved, self.hand);
                }
            } else {
                self.hand += 1;
            }
        }
    }

    /// The slot to reuse in a full shard, from the few under the hand.
    fn victim(&mut self, now: Instant, failure_window: Duration) -> usize {
        let len = self.slots.len();
        let mut best = self.hand % len;
        let mut best_worth = (u32::MAX, u32::MAX);
        for step in 0..EVICTION_CANDIDATES.min(len) {
            let at = (self.hand + step) % len;
            let counters = &self.slots[at].1;
            if counters.is_expired(now, failure_window) {
                best = at;
                break;
            }
            let worth = counters.worth(now, failure_window);
            if worth < best_worth {
                best = at;
                best_worth = worth;
            }
        }
        self.hand = (best + 1) % len;
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(300);

    #[test]
    fn the_size_never_exceeds_the_capacity() {
        let table: Table<u32> = Table::new(1_000, WINDOW);
        let now = Instant::now();
        for key in 0..100_000 {
            table.with(key, now, |c| c.count_attempt(now));
        }
        assert!(table.len() <= 1_000, "{}", table.len());
        assert!(
            table.len() >= 900,
            "a full table stays full: {}",
            table.len()
        );
    }

    #[test]
    fn a_flood_of_fresh_keys_does_not_evict_a_key_at_its_failure_limit() {
        let table: Table<u32> = Table::new(256, WINDOW);
        let now = Instant::now();
        let throttled = u32::MAX;
        for _ in 0..3 {
            table.with(throttled, now, |c| c.count_failure(now, WINDOW));
        }
        // Each flooding key even fails twice: still less than three.
        for key in 0..1_000_000 {
            table.with(key, now, |c| {
                c.count_attempt(now);
                c.count_failure(now, WINDOW);
                c.count_failure(now, WINDOW);
            });
        }
        let wait = table.with(throttled, now, |c| c.wait(now, WINDOW, 3, 100));
        assert_eq!(wait, Some(WINDOW), "still throttled, for the whole window");
    }

    #[test]
    fn expired_entries_drain_a_few_per_request_without_a_full_scan() {
        let table: Table<u32> = Table::with_shards(100, 1, WINDOW);
        let start = Instant::now();
        for key in 0..100 {
            table.with(key, start, |c| c.count_attempt(start));
        }
        let later = start + WINDOW;
        table.with(1_000, later, |c| c.count_attempt(later));
        assert_eq!(table.len(), 100 - SWEEP_STEPS + 1, "one request, two slots");
        for _ in 0..60 {
            table.with(1_000, later, |c| c.count_attempt(later));
        }
        assert_eq!(table.len(), 1, "only the live entry is left");
    }

    #[test]
    fn an_expired_entry_counts_afresh() {
        let table: Table<u32> = Table::new(10, WINDOW);
        let start = Instant::now();
        for _ in 0..3 {
            table.with(1, start, |c| c.count_failure(start, WINDOW));
        }
        assert!(
            table
                .with(1, start, |c| c.wait(start, WINDOW, 3, 10))
                .is_some()
        );
        let later = start + WINDOW;
        assert_eq!(table.with(1, later, |c| c.wait(later, WINDOW, 3, 10)), None);
    }
}
