//! Deleting what can no longer matter, so the database does not grow with
//! unauthenticated traffic or with time.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::login_failures::{self, AccountPolicy};
use super::{
    AnyConnection, authorization_codes, outgoing_mail, password_links, second_factor,
    trusted_devices, write_transaction,
};

/// How long a spent or expired authorization code is remembered, in
/// seconds, so that a replay still revokes what the first use issued.
const CODE_REPLAY_MEMORY: i64 = 600;

/// How long a spent or expired password link is kept, in seconds: the
/// per-account limit on reset mails counts an hour back.
const PASSWORD_LINK_MEMORY: i64 = 3600;

/// How long a mail given up on stays listed (its bodies already wiped).
const FAILED_MAIL_MEMORY: i64 = 7 * 86_400;

/// Rows removed by one [`purge`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub refresh_tokens: usize,
    /// Grace successors dropped from rotated tokens once the grace is over.
    pub sealed_successors: usize,
    pub login_failures: usize,
    pub trusted_devices: usize,
    pub authorization_codes: usize,
    pub second_factor_challenges: usize,
    pub password_links: usize,
    pub failed_mails: usize,
}

impl Purged {
    pub fn total(&self) -> usize {
        self.sessions
            + self.refresh_tokens
            + self.sealed_successors
            + self.login_failures
            + self.trusted_devices
            + self.authorization_codes
            + self.second_factor_challenges
            + self.password_links
            + self.failed_mails
    }
}

/// One pass: ended sessions with their refresh tokens, expired refresh
/// tokens, grace successors past the grace, stale throttling counters,
/// expired device cookies, long-expired authorization codes, spent or
/// expired password links and long-failed mails.
pub fn purge(
    conn: &mut AnyConnection,
    policy: &AccountPolicy,
    grace_millis: i64,
    now_ms: i64,
) -> QueryResult<Purged> {
    let now_s = now_ms / 1000;
    let (sessions, refresh_tokens) = write_transaction(conn, |conn| {
        // Children first: the foreign key would refuse the sessions.
        let tokens = diesel::sql_query(
            "DELETE FROM refresh_tokens WHERE expires_at <= $1 OR session_id IN \
             (SELECT id FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= $2)",
        )
        .bind::<BigInt, _>(now_s)
        .bind::<BigInt, _>(now_s)
        .execute(conn)?;
        let sessions = diesel::sql_query(
            "DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= $1",
        )
        .bind::<BigInt, _>(now_s)
        .execute(conn)?;
        Ok::<_, diesel::result::Error>((sessions, tokens))
    })?;
    let sealed_successors = diesel::sql_query(
        "UPDATE refresh_tokens SET successor_sealed = NULL \
         WHERE successor_sealed IS NOT NULL AND used_at <= $1",
    )
    .bind::<BigInt, _>(now_ms - grace_millis)
    .execute(conn)?;
    Ok(Purged {
        sessions,
        refresh_tokens,
        sealed_successors,
        login_failures: login_failures::purge(conn, policy, now_ms)?,
        trusted_devices: trusted_devices::purge(conn, now_s)?,
        authorization_codes: authorization_codes::purge(conn, now_s - CODE_REPLAY_MEMORY)?,
        second_factor_challenges: second_factor::purge_challenges(conn, now_s)?,
        password_links: password_links::purge(conn, now_s - PASSWORD_LINK_MEMORY)?,
        failed_mails: outgoing_mail::purge_failed(conn, now_s - FAILED_MAIL_MEMORY)?,
    })
}
