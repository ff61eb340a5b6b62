//! Links that let a person choose a password (reset and invitation), by the
//! SHA-256 of their token only.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::AnyConnection;
use super::schema::password_links;

/// What a link was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Invite,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Invite => "invite",
        }
    }
}

/// Stores a new link of `user_id`. Older unused links of the user stop
/// working: only the newest mail's link counts.
pub fn replace(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    purpose: Purpose,
    now_s: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::update(
        password_links::table
            .filter(password_links::user_id.eq(user_id))
            .filter(password_links::used_at.is_null()),
    )
    .set(password_links::used_at.eq(now_s))
    .execute(conn)?;
    diesel::insert_into(password_links::table)
        .values((
            password_links::token_hash.eq(token_hash),
            password_links::user_id.eq(user_id),
            password_links::purpose.eq(purpose.as_str()),
            password_links::created_at.eq(now_s),
            password_links::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many reset links `user_id` was sent since `since_s`.
pub fn count_resets_since(
    conn: &mut AnyConnection,
    user_id: i64,
    since_s: i64,
) -> QueryResult<i64> {
    password_links::table
        .filter(password_links::user_id.eq(user_id))
        .filter(password_links::purpose.eq(Purpose::Reset.as_str()))
        .filter(password_links::created_at.gt(since_s))
        .count()
        .get_result(conn)
}

/// The user a live (unused, unexpired) link belongs to.
pub fn live_user(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_s: i64,
) -> QueryResult<Option<i64>> {
    password_links::table
        .filter(password_links::token_hash.eq(token_hash))
        .filter(password_links::used_at.is_null())
        .filter(password_links::expires_at.gt(now_s))
        .select(password_links::user_id)
        .first(conn)
        .optional()
}

/// Spends a live link: returns its user, or `None` when it is unknown,
/// used or expired. Of two uses at once exactly one gets the user.
pub fn spend(conn: &mut AnyConnection, token_hash: &str, now_s: i64) -> QueryResult<Option<i64>> {
    let Some(user_id) = live_user(conn, token_hash, now_s)? else {
        return Ok(None);
    };
    let spent = diesel::update(
        password_links::table
            .filter(password_links::token_hash.eq(token_hash))
            .filter(password_links::used_at.is_null()),
    )
    .set(password_links::used_at.eq(now_s))
    .execute(conn)?;
    Ok((spent == 1).then_some(user_id))
}

/// Ends every unused link of `user_id` (its password was set another way).
pub fn end_all_for_user(conn: &mut AnyConnection, user_id: i64, now_s: i64) -> QueryResult<usize> {
    diesel::update(
        password_links::table
            .filter(password_links::user_id.eq(user_id))
            .filter(password_links::used_at.is_null()),
    )
    .set(password_links::used_at.eq(now_s))
    .execute(conn)
}

/// Links expired or used before `before_s`. They are kept that long after
/// their end so the per-account limit on reset mails can count them.
pub fn purge(conn: &mut AnyConnection, before_s: i64) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM password_links WHERE expires_at <= $1 OR (used_at IS NOT NULL AND used_at <= $2)",
    )
    .bind::<BigInt, _>(before_s)
    .bind::<BigInt, _>(before_s)
    .execute(conn)
}
