//! Queries on `totp_secrets`, `recovery_codes` and
//! `second_factor_challenges`. When a code is good is decided in
//! `auth::second_factor`; here a time step or a recovery code is claimed
//! with one conditional UPDATE, so a code works once even on two
//! instances at the same moment.

use diesel::prelude::*;

use super::schema::{recovery_codes, second_factor_challenges, totp_secrets};
use super::{AnyConnection, write_transaction};
use crate::clock::now_unix;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = totp_secrets)]
pub struct TotpSecret {
    pub user_id: i64,
    pub secret: String,
    pub created_at: i64,
    pub enabled_at: Option<i64>,
    pub last_step: i64,
}

pub fn totp_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Option<TotpSecret>> {
    totp_secrets::table
        .filter(totp_secrets::user_id.eq(user_id))
        .select(TotpSecret::as_select())
        .first(conn)
        .optional()
}

/// Whether `user_id` has an enabled second factor.
pub fn is_enabled(conn: &mut AnyConnection, user_id: i64) -> QueryResult<bool> {
    Ok(totp_of(conn, user_id)?.is_some_and(|t| t.enabled_at.is_some()))
}

/// Stores a new, not yet enabled secret for `user_id`, replacing one that
/// was never confirmed; `false` if a second factor is already enabled.
pub fn start_totp(conn: &mut AnyConnection, user_id: i64, secret: &str) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        if is_enabled(conn, user_id)? {
            return Ok(false);
        }
        diesel::delete(totp_secrets::table.filter(totp_secrets::user_id.eq(user_id)))
            .execute(conn)?;
        diesel::insert_into(totp_secrets::table)
            .values((
                totp_secrets::user_id.eq(user_id),
                totp_secrets::secret.eq(secret),
                totp_secrets::created_at.eq(now_unix()),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Enables the pending secret, its first code's `step` spent, with new
/// recovery codes (by hash); `false` if there was nothing pending.
pub fn enable_totp(
    conn: &mut AnyConnection,
    user_id: i64,
    step: i64,
    recovery_hashes: &[String],
) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let enabled = diesel::update(
            totp_secrets::table
                .filter(totp_secrets::user_id.eq(user_id))
                .filter(totp_secrets::enabled_at.is_null()),
        )
        .set((
            totp_secrets::enabled_at.eq(now_unix()),
            totp_secrets::last_step.eq(step),
        ))
        .execute(conn)?;
        if enabled == 0 {
            return Ok(false);
        }
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        for hash in recovery_hashes {
            diesel::insert_into(recovery_codes::table)
                .values((
                    recovery_codes::code_hash.eq(hash),
                    recovery_codes::user_id.eq(user_id),
                ))
                .execute(conn)?;
        }
        Ok(true)
    })
}

/// Spends time step `step` if no later or equal one was spent; `true` if
/// this call did.
pub fn claim_step(conn: &mut AnyConnection, user_id: i64, step: i64) -> QueryResult<bool> {
    let claimed = diesel::update(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(user_id))
            .filter(totp_secrets::enabled_at.is_not_null())
            .filter(totp_secrets::last_step.lt(step)),
    )
    .set(totp_secrets::last_step.eq(step))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Spends the unused recovery code with `code_hash` of `user_id`.
pub fn claim_recovery_code(
    conn: &mut AnyConnection,
    user_id: i64,
    code_hash: &str,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now_unix()))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// How many unused recovery codes `user_id` has left.
pub fn recovery_codes_left(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Removes every second factor of `user_id`; `true` if there was one.
pub fn remove_all(conn: &mut AnyConnection, user_id: i64) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        let removed = diesel::delete(totp_secrets::table.filter(totp_secrets::user_id.eq(user_id)))
            .execute(conn)?;
        Ok(removed > 0)
    })
}

/// A password accepted, waiting for the second factor.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = second_factor_challenges)]
pub struct Challenge {
    pub token_hash: String,
    pub user_id: i64,
    /// The password hash that was verified: a password changed meanwhile
    /// opens no session.
    pub verified_hash: String,
    pub next: String,
    pub expires_at: i64,
}

pub fn insert_challenge(conn: &mut AnyConnection, challenge: &Challenge) -> QueryResult<()> {
    diesel::insert_into(second_factor_challenges::table)
        .values((
            second_factor_challenges::token_hash.eq(&challenge.token_hash),
            second_factor_challenges::user_id.eq(challenge.user_id),
            second_factor_challenges::verified_hash.eq(&challenge.verified_hash),
            second_factor_challenges::next.eq(&challenge.next),
            second_factor_challenges::expires_at.eq(challenge.expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// The live challenge with `token_hash`.
pub fn challenge(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<Challenge>> {
    second_factor_challenges::table
        .filter(second_factor_challenges::token_hash.eq(token_hash))
        .filter(second_factor_challenges::expires_at.gt(now_unix()))
        .select(Challenge::as_select())
        .first(conn)
        .optional()
}

/// Ends a challenge (met, or given up).
pub fn delete_challenge(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<()> {
    diesel::delete(
        second_factor_challenges::table.filter(second_factor_challenges::token_hash.eq(token_hash)),
    )
    .execute(conn)
    .map(drop)
}

/// Forgets expired challenges.
pub fn purge_challenges(conn: &mut AnyConnection, now: i64) -> QueryResult<usize> {
    diesel::delete(
        second_factor_challenges::table.filter(second_factor_challenges::expires_at.le(now)),
    )
    .execute(conn)
}
