//! Per-account failed-login counters, shared by every instance through the
//! database. Throttling counts failures, never successes and never attempts
//! still being checked: an admitted attempt holds one place of the account's
//! remaining allowance until it is settled, so parallel guesses cannot
//! overtake the count, and parallel correct logins are never refused for
//! each other.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{AnyConnection, write_transaction};

/// Day length for the daily cap, in seconds.
const DAY: i64 = 86_400;

/// How long an admitted attempt may stay unsettled before its place is
/// given back: an instance that dies mid-check must not hold an account
/// for long. Far above any check, which the hashing queue bounds.
const LEASE_MS: i64 = 10_000;

/// The progressive-delay policy of one account.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    /// Failures allowed before any wait.
    pub free_failures: i64,
    /// Waits after the free failures, in milliseconds; the last repeats.
    pub delays_ms: Vec<i64>,
    /// Failures allowed per day (then blocked until the day is over).
    pub daily_limit: i64,
}

impl AccountPolicy {
    /// The wait imposed after `failures` consecutive failures.
    fn delay_after(&self, failures: i64) -> i64 {
        if failures < self.free_failures {
            return 0;
        }
        let index = (failures - self.free_failures) as usize;
        self.delays_ms
            .get(index)
            .or(self.delays_ms.last())
            .copied()
            .unwrap_or(0)
    }

    /// How many attempts may be unsettled at once after `failures`: the
    /// failures still free, or one at a time once waits have begun.
    fn allowance(&self, failures: i64) -> i64 {
        (self.free_failures - failures).max(1)
    }

    /// After how long a few failures (fewer than the free ones) are
    /// forgotten: long enough that someone who waits it out each time
    /// still stays under the daily cap.
    pub fn forget_after_ms(&self) -> i64 {
        let free = self.free_failures.max(1);
        (DAY * 1000 * free / self.daily_limit.max(1)).clamp(1000, DAY * 1000)
    }
}

/// Whether an attempt may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead; settle the attempt afterwards.
    Admitted,
    /// Throttled: not before this many milliseconds.
    Wait(i64),
    /// The allowance is held by attempts still being checked; ask again
    /// once they are settled.
    Busy,
}

/// How an admitted attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The right password: the account starts afresh.
    Succeeded,
    /// A wrong password (or unknown or disabled account).
    Failed,
    /// Not checked after all (hashing pool full, database trouble): it
    /// counts as nothing.
    Abandoned,
}

#[derive(QueryableByName)]
struct Counters {
    #[diesel(sql_type = BigInt)]
    failures: i64,
    #[diesel(sql_type = BigInt)]
    day_start: i64,
    #[diesel(sql_type = BigInt)]
    day_failures: i64,
    #[diesel(sql_type = BigInt)]
    blocked_until_ms: i64,
    #[diesel(sql_type = BigInt)]
    in_flight: i64,
    #[diesel(sql_type = BigInt)]
    lease_until_ms: i64,
}

impl Counters {
    /// Attempts still unsettled, unless their lease ran out.
    fn live_in_flight(&self, now_ms: i64) -> i64 {
        if self.lease_until_ms > now_ms {
            self.in_flight.max(0)
        } else {
            0
        }
    }

    /// The day window and its failures, restarted once a day has passed.
    fn day(&self, now_ms: i64) -> (i64, i64) {
        let now_s = now_ms / 1000;
        if now_s - self.day_start >= DAY {
            (now_s, 0)
        } else {
            (self.day_start, self.day_failures)
        }
    }
}

/// Inserts the row or locks the existing one, and returns it. One
/// statement: an INSERT .. DO NOTHING followed by a SELECT .. FOR UPDATE
/// lost a race on PostgreSQL, where a success deleting the row in between
/// left the SELECT with nothing.
fn lock_row(conn: &mut AnyConnection, account_key: &str, now_ms: i64) -> QueryResult<Counters> {
    diesel::sql_query(
        "INSERT INTO login_failures \
         (account_key, failures, day_start, day_failures, blocked_until_ms, in_flight, lease_until_ms, last_failure_ms) \
         VALUES ($1, 0, $2, 0, 0, 0, 0, 0) \
         ON CONFLICT (account_key) DO UPDATE SET account_key = excluded.account_key \
         RETURNING failures, day_start, day_failures, blocked_until_ms, in_flight, lease_until_ms",
    )
    .bind::<Text, _>(account_key)
    .bind::<BigInt, _>(now_ms / 1000)
    .get_result(conn)
}

/// What [`admit`] would answer, read without taking the row's lock, when
/// that answer is to wait; `None` when the attempt may be admitted. Waiting
/// attempts look here again and again: on PostgreSQL, dozens of them taking
/// the row lock to find out starved the settling of the attempts they
/// waited for.
pub fn peek(
    conn: &mut AnyConnection,
    account_key: &str,
    policy: &AccountPolicy,
    now_ms: i64,
) -> QueryResult<Option<Admission>> {
    let row: Option<Counters> = diesel::sql_query(
        "SELECT failures, day_start, day_failures, blocked_until_ms, in_flight, lease_until_ms \
         FROM login_failures WHERE account_key = $1",
    )
    .bind::<Text, _>(account_key)
    .get_result(conn)
    .optional()?;
    Ok(row.and_then(|row| decide(&row, policy, now_ms)))
}

/// The answer for a row when it is not to admit.
fn decide(row: &Counters, policy: &AccountPolicy, now_ms: i64) -> Option<Admission> {
    if row.blocked_until_ms > now_ms {
        return Some(Admission::Wait(row.blocked_until_ms - now_ms));
    }
    let (day_start, day_failures) = row.day(now_ms);
    let allowance = policy
        .allowance(row.failures)
        .min(policy.daily_limit - day_failures);
    if allowance <= 0 {
        return Some(Admission::Wait((day_start + DAY) * 1000 - now_ms));
    }
    (row.live_in_flight(now_ms) >= allowance).then_some(Admission::Busy)
}

/// Asks to check one attempt on `account_key`.
pub fn admit(
    conn: &mut AnyConnection,
    account_key: &str,
    policy: &AccountPolicy,
    now_ms: i64,
) -> QueryResult<Admission> {
    write_transaction(conn, |conn| {
        let row = lock_row(conn, account_key, now_ms)?;
        if let Some(refused) = decide(&row, policy, now_ms) {
            return Ok(refused);
        }
        let in_flight = row.live_in_flight(now_ms);
        let (day_start, day_failures) = row.day(now_ms);
        diesel::sql_query(
            "UPDATE login_failures SET in_flight = $1, lease_until_ms = $2, day_start = $3, day_failures = $4 \
             WHERE account_key = $5",
        )
        .bind::<BigInt, _>(in_flight + 1)
        .bind::<BigInt, _>(now_ms + LEASE_MS)
        .bind::<BigInt, _>(day_start)
        .bind::<BigInt, _>(day_failures)
        .bind::<Text, _>(account_key)
        .execute(conn)?;
        Ok(Admission::Admitted)
    })
}

/// Settles an attempt that [`admit`] let through.
pub fn settle(
    conn: &mut AnyConnection,
    account_key: &str,
    policy: &AccountPolicy,
    outcome: Outcome,
    now_ms: i64,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        let row = lock_row(conn, account_key, now_ms)?;
        let in_flight = (row.live_in_flight(now_ms) - 1).max(0);
        let (day_start, mut day_failures) = row.day(now_ms);
        let (failures, blocked_until_ms, last_failure_ms) = match outcome {
            Outcome::Succeeded => {
                day_failures = 0;
                (0, 0, None)
            }
            Outcome::Abandoned => (row.failures, row.blocked_until_ms, None),
            Outcome::Failed => {
                let failures = row.failures + 1;
                day_failures += 1;
                let blocked_until_ms = if day_failures >= policy.daily_limit {
                    (day_start + DAY) * 1000
                } else {
                    match policy.delay_after(failures) {
                        0 => 0,
                        delay => now_ms + delay,
                    }
                };
                (failures, blocked_until_ms, Some(now_ms))
            }
        };
        if failures == 0 && day_failures == 0 && in_flight == 0 && blocked_until_ms <= now_ms {
            // Nothing left to remember.
            return diesel::sql_query("DELETE FROM login_failures WHERE account_key = $1")
                .bind::<Text, _>(account_key)
                .execute(conn)
                .map(drop);
        }
        diesel::sql_query(
            "UPDATE login_failures SET failures = $1, day_start = $2, day_failures = $3, \
             blocked_until_ms = $4, in_flight = $5, last_failure_ms = COALESCE($6, last_failure_ms) \
             WHERE account_key = $7",
        )
        .bind::<BigInt, _>(failures)
        .bind::<BigInt, _>(day_start)
        .bind::<BigInt, _>(day_failures)
        .bind::<BigInt, _>(blocked_until_ms)
        .bind::<BigInt, _>(in_flight)
        .bind::<diesel::sql_types::Nullable<BigInt>, _>(last_failure_ms)
        .bind::<Text, _>(account_key)
        .execute(conn)
        .map(drop)
    })
}

/// Deletes counters that can no longer change a decision: not blocked, no
/// attempt in flight, and either their day is over or they hold fewer
/// failures than the free ones and the last is older than
/// [`AccountPolicy::forget_after_ms`]. Returns how many went.
/// Forgets an account's failures: its owner proved who they are another
/// way (a password reset through their mailbox).
pub fn forget(conn: &mut AnyConnection, account_key: &str) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM login_failures WHERE account_key = $1")
        .bind::<Text, _>(account_key)
        .execute(conn)
}

pub fn purge(conn: &mut AnyConnection, policy: &AccountPolicy, now_ms: i64) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM login_failures \
         WHERE blocked_until_ms <= $1 AND (in_flight = 0 OR lease_until_ms <= $1) \
         AND (day_start <= $2 OR (day_failures < $3 AND last_failure_ms <= $4))",
    )
    .bind::<BigInt, _>(now_ms)
    .bind::<BigInt, _>(now_ms / 1000 - DAY)
    .bind::<BigInt, _>(policy.free_failures)
    .bind::<BigInt, _>(now_ms - policy.forget_after_ms())
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::AccountPolicy;

    fn policy() -> AccountPolicy {
        AccountPolicy {
            free_failures: 5,
            delays_ms: vec![1000, 3000, 5000, 10_000],
            daily_limit: 100,
        }
    }

    #[test]
    fn five_free_failures_then_growing_waits() {
        let waits: Vec<i64> = (1..=10).map(|n| policy().delay_after(n)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 1000, 3000, 5000, 10_000, 10_000, 10_000]
        );
    }

    #[test]
    fn the_free_failures_may_be_checked_at_once_then_one_at_a_time() {
        let allowances: Vec<i64> = (0..=7).map(|n| policy().allowance(n)).collect();
        assert_eq!(allowances, [5, 4, 3, 2, 1, 1, 1, 1]);
    }

    #[test]
    fn a_few_failures_are_forgotten_only_as_fast_as_the_daily_cap_allows() {
        // 4 failures every 72 minutes is 80 a day, under the cap of 100.
        assert_eq!(policy().forget_after_ms(), 72 * 60 * 1000);
    }
}
