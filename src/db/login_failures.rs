//! Per-account failed-login counters, shared by every instance through the
//! database. An attempt is counted as a failure when it is admitted, before
//! any hashing, and a success undoes it: so parallel guesses can never
//! overtake the count.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{AnyConnection, write_transaction};

/// Day length for the daily cap, in seconds.
const DAY: i64 = 86_400;

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
}

/// Whether an attempt may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// Not before this many milliseconds.
    Wait(i64),
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
}

/// Admits one attempt on `account_key` (counting it as a failure), or says
/// how long to wait.
pub fn admit(
    conn: &mut AnyConnection,
    account_key: &str,
    policy: &AccountPolicy,
    now_ms: i64,
) -> QueryResult<Admission> {
    let now_s = now_ms / 1000;
    write_transaction(conn, |conn| {
        // One statement that inserts the row or locks the existing one
        // and returns it. An INSERT .. DO NOTHING followed by a SELECT ..
        // FOR UPDATE lost a race on PostgreSQL: a success deleting the row
        // in between left the SELECT with nothing (seen under concurrent
        // logins of one account, answered 503).
        let row: Counters = diesel::sql_query(
            "INSERT INTO login_failures (account_key, failures, day_start, day_failures, blocked_until_ms) \
             VALUES ($1, 0, $2, 0, 0) \
             ON CONFLICT (account_key) DO UPDATE SET account_key = excluded.account_key \
             RETURNING failures, day_start, day_failures, blocked_until_ms",
        )
        .bind::<Text, _>(account_key)
        .bind::<BigInt, _>(now_s)
        .get_result(conn)?;
        if row.blocked_until_ms > now_ms {
            return Ok(Admission::Wait(row.blocked_until_ms - now_ms));
        }
        let (day_start, day_failures) = if now_s - row.day_start >= DAY {
            (now_s, 0)
        } else {
            (row.day_start, row.day_failures)
        };
        let failures = row.failures + 1;
        let day_failures = day_failures + 1;
        let blocked_until_ms = if day_failures >= policy.daily_limit {
            (day_start + DAY) * 1000
        } else {
            match policy.delay_after(failures) {
                0 => 0,
                delay => now_ms + delay,
            }
        };
        diesel::sql_query(
            "UPDATE login_failures SET failures = $1, day_start = $2, day_failures = $3, blocked_until_ms = $4 \
             WHERE account_key = $5",
        )
        .bind::<BigInt, _>(failures)
        .bind::<BigInt, _>(day_start)
        .bind::<BigInt, _>(day_failures)
        .bind::<BigInt, _>(blocked_until_ms)
        .bind::<Text, _>(account_key)
        .execute(conn)?;
        Ok(Admission::Admitted)
    })
}

/// A successful login: the account starts afresh.
pub fn reset(conn: &mut AnyConnection, account_key: &str) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM login_failures WHERE account_key = $1")
        .bind::<Text, _>(account_key)
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::AccountPolicy;

    #[test]
    fn five_free_failures_then_growing_waits() {
        let policy = AccountPolicy {
            free_failures: 5,
            delays_ms: vec![1000, 3000, 5000, 10_000],
            daily_limit: 100,
        };
        let waits: Vec<i64> = (1..=10).map(|n| policy.delay_after(n)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 1000, 3000, 5000, 10_000, 10_000, 10_000]
        );
    }
}
