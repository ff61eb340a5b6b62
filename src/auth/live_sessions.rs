//! Sessions recently found live, so that a request whose token is valid
//! can skip the database while nothing there has changed.
//!
//! An answer is remembered with the pool's change count read before the
//! query ([`crate::db::DbPool::changes`]) and is used only while that count is
//! the same, and for at most [`FRESH_FOR`]. Database work in this process
//! that may change a user or a session bumps the count when it finishes
//! (only `db::run_not_changing_sessions` does not), so ending a session,
//! disabling a user or taking a scope away here is seen by the very next
//! request, as when every request asked the database. A change made by
//! another process (the CLI, another instance) is seen by the pool's change
//! watch within a few milliseconds.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::db::sessions::SessionTimes;
use crate::db::users::User;

/// The longest an answer is used, even with no change seen: a bound for
/// the case the change watch cannot cover (its connection is gone and it
/// has not noticed yet).
const FRESH_FOR: Duration = Duration::from_secs(1);

/// Sessions remembered at most; more are read from the database each time
/// until the ones remembered go stale.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct LiveSessions {
    seen: Mutex<HashMap<i64, Seen>>,
}

struct Seen {
    user: User,
    times: SessionTimes,
    changes: u64,
    read_at: Instant,
}

impl LiveSessions {
    /// The user and times of live session `id` of `email`, if remembered
    /// and nothing has changed since. `changes` is the pool's count now.
    pub fn get(
        &self,
        id: i64,
        email: &str,
        changes: u64,
        now_unix: i64,
    ) -> Option<(User, SessionTimes)> {
        let seen = self.lock();
        let found = seen.get(&id)?;
        let still_true = found.changes == changes
            && found.read_at.elapsed() < FRESH_FOR
            && found.times.ends > now_unix
            && found.user.email == email;
        still_true.then(|| (found.user.clone(), found.times.clone()))
    }

    /// Remembers that session `id` was live for `user`, as read by a query
    /// that began when the pool's count was `changes`.
    pub fn remember(&self, id: i64, user: &User, times: &SessionTimes, changes: u64) {
        let mut seen = self.lock();
        if seen.len() >= CAPACITY && !seen.contains_key(&id) {
            seen.retain(|_, s| s.changes == changes && s.read_at.elapsed() < FRESH_FOR);
            if seen.len() >= CAPACITY {
                return;
            }
        }
        seen.insert(
            id,
            Seen {
                user: user.clone(),
                times: times.clone(),
                changes,
                read_at: Instant::now(),
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Seen>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> User {
        User {
            id: 7,
            email: "alice@example.com".into(),
            password_hash: "$argon2id$...".into(),
            scopes: "read".into(),
            disabled: false,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn until(ends: i64) -> SessionTimes {
        SessionTimes {
            started: 1,
            ends,
            amr: Some("pwd".into()),
        }
    }

    #[test]
    fn a_session_is_trusted_only_while_nothing_has_changed() {
        let live = LiveSessions::default();
        live.remember(3, &alice(), &until(100), 41);
        let (user, times) = live
            .get(3, "alice@example.com", 41, 50)
            .expect("remembered");
        assert_eq!(
            (user.email.as_str(), times.ends),
            ("alice@example.com", 100)
        );
        assert!(
            live.get(3, "alice@example.com", 42, 50).is_none(),
            "a change since"
        );
        assert!(
            live.get(4, "alice@example.com", 41, 50).is_none(),
            "another session"
        );
    }

    #[test]
    fn a_session_past_its_end_or_of_another_email_is_not_trusted() {
        let live = LiveSessions::default();
        live.remember(3, &alice(), &until(100), 0);
        assert!(live.get(3, "alice@example.com", 0, 100).is_none(), "ended");
        assert!(
            live.get(3, "bob@example.com", 0, 50).is_none(),
            "the token names bob"
        );
    }

    #[test]
    fn what_was_read_before_a_change_is_never_trusted_after_it() {
        let live = LiveSessions::default();
        // Read while the count was 5; a write finished meanwhile (6).
        live.remember(3, &alice(), &until(100), 5);
        assert!(live.get(3, "alice@example.com", 6, 50).is_none());
    }

    #[test]
    fn when_full_stale_answers_make_room_and_fresh_ones_are_kept() {
        let live = LiveSessions::default();
        for id in 0..CAPACITY as i64 {
            live.remember(id, &alice(), &until(100), 1);
        }
        // All still current: no room, the new one is not remembered.
        live.remember(-1, &alice(), &until(100), 1);
        assert!(live.get(-1, "alice@example.com", 1, 50).is_none());
        assert!(live.get(0, "alice@example.com", 1, 50).is_some());
        // After a change every old answer is stale and gives way.
        live.remember(-1, &alice(), &until(100), 2);
        assert!(live.get(-1, "alice@example.com", 2, 50).is_some());
        assert_eq!(live.lock().len(), 1);
    }
}
