//! The sending side of the queue: a task on every instance that wakes when
//! a mail is queued here (and every `poll_interval` for mail queued
//! elsewhere or due for a retry), claims due mails for a lease so no other
//! instance sends them too, and sends them one by one. A failure is retried
//! with a doubling wait; after a day the mail is given up with an ERROR.

use std::sync::{Arc, Weak};
use std::time::Duration;

use super::Mailer;
use super::smtp::SendError;
use crate::clock;
use crate::db::{self, DbPool, outgoing_mail, outgoing_mail::QueuedMail};
use crate::state::AppState;

/// How long a claimed mail is this instance's alone: longer than sending a
/// batch can take (`SMTP_TIMEOUT` each). An instance that dies with a claim
/// leaves the mail to the others after it.
const LEASE_MS: i64 = 5 * 60 * 1000;

/// Mails claimed at once.
const BATCH: i64 = 5;

/// The longest wait between two attempts.
const RETRY_CAP: Duration = Duration::from_secs(3600);

/// After this long in the queue a mail is given up.
const GIVE_UP_AFTER_SECONDS: i64 = 86_400;

/// Starts the queue on the current runtime when mail is on. It ends with
/// the server: between rounds it holds the state only weakly.
pub fn start(state: &Arc<AppState>) {
    let Some(mailer) = state.mail.clone() else {
        return;
    };
    let weak: Weak<AppState> = Arc::downgrade(state);
    let poll = mailer.settings.poll_interval;
    let bell = Arc::clone(&mailer.bell);
    drop(mailer);
    tokio::spawn(async move {
        loop {
            {
                let Some(state) = weak.upgrade() else { return };
                let Some(mailer) = state.mail.clone() else {
                    return;
                };
                let pool = state.pool.clone();
                drop(state);
                if let Err(e) = send_due(&mailer, &pool).await {
                    tracing::warn!(error = %e, "the mail queue could not be read; will try again");
                }
            }
            // A ring while sending is kept, so that mail goes next round.
            let _ = tokio::time::timeout(poll, bell.notified()).await;
        }
    });
}

/// Sends every due mail this instance can claim.
pub async fn send_due(mailer: &Mailer, pool: &DbPool) -> Result<(), db::DbError> {
    loop {
        let claimed = db::run(pool, |conn| {
            outgoing_mail::claim_due(conn, clock::now_millis(), LEASE_MS, BATCH)
        })
        .await?;
        if claimed.is_empty() {
            return Ok(());
        }
        for mail in claimed {
            let outcome = mailer.sender.send(&mail).await;
            record(mailer, pool, &mail, outcome).await?;
        }
    }
}

/// Deletes a sent mail, or schedules the next attempt, or gives up.
async fn record(
    mailer: &Mailer,
    pool: &DbPool,
    mail: &QueuedMail,
    outcome: Result<(), SendError>,
) -> Result<(), db::DbError> {
    let (id, attempts) = (mail.id, mail.attempts + 1);
    let error = match outcome {
        Ok(()) => {
            tracing::info!(event = "mail_sent", mail_id = id, attempts, subject = %mail.subject, "mail sent");
            return db::run(pool, move |conn| outgoing_mail::delete(conn, id)).await;
        }
        Err(e) => e,
    };
    let now_s = clock::now_unix();
    if error.is_permanent() || now_s - mail.created_at >= GIVE_UP_AFTER_SECONDS {
        // No body in the log: it may hold a password link.
        tracing::error!(
            event = "mail_given_up",
            mail_id = id,
            attempts,
            subject = %mail.subject,
            error = %error,
            "gave up sending a mail"
        );
        return db::run(pool, move |conn| {
            outgoing_mail::give_up(conn, id, attempts, now_s)
        })
        .await;
    }
    let wait = retry_wait(mailer.settings.retry_base, attempts);
    tracing::warn!(
        event = "mail_deferred",
        mail_id = id,
        attempts,
        retry_in_ms = wait.as_millis() as u64,
        error = %error,
        "could not send a mail; will try again"
    );
    let next = clock::now_millis() + wait.as_millis() as i64;
    db::run(pool, move |conn| {
        outgoing_mail::retry_later(conn, id, attempts, next)
    })
    .await
}

/// `base`, doubled after each failed attempt, at most an hour.
fn retry_wait(base: Duration, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    base.saturating_mul(1 << doublings).min(RETRY_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_base_and_stops_at_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_wait(base, 1), Duration::from_secs(30));
        assert_eq!(retry_wait(base, 2), Duration::from_secs(60));
        assert_eq!(retry_wait(base, 4), Duration::from_secs(240));
        assert_eq!(retry_wait(base, 10), RETRY_CAP);
        assert_eq!(retry_wait(base, i64::MAX), RETRY_CAP);
    }
}
