//! Browsers that have signed in to an account before, known by a hash of
//! their device cookie. Storage only; the policy is `auth::device`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::AnyConnection;
use super::schema::trusted_devices::dsl;

/// At most this many devices are remembered per account: a client that
/// signs in through the form without keeping cookies must not grow the
/// table without bound. The oldest are forgotten first.
const PER_ACCOUNT: i64 = 20;

/// Whether `token_hash` is a live device of `account_key`.
pub fn is_trusted(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_key: &str,
    now: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        dsl::trusted_devices
            .filter(dsl::token_hash.eq(token_hash))
            .filter(dsl::account_key.eq(account_key))
            .filter(dsl::expires_at.gt(now)),
    ))
    .get_result(conn)
}

/// Remembers a new device, forgetting the account's oldest beyond the cap.
pub fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_key: &str,
    now: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::insert_into(dsl::trusted_devices)
        .values((
            dsl::token_hash.eq(token_hash),
            dsl::account_key.eq(account_key),
            dsl::created_at.eq(now),
            dsl::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    diesel::sql_query(
        "DELETE FROM trusted_devices WHERE account_key = $1 AND token_hash NOT IN \
         (SELECT token_hash FROM trusted_devices WHERE account_key = $2 \
          ORDER BY created_at DESC, token_hash DESC LIMIT $3)",
    )
    .bind::<Text, _>(account_key)
    .bind::<Text, _>(account_key)
    .bind::<BigInt, _>(PER_ACCOUNT)
    .execute(conn)
    .map(drop)
}

/// Deletes expired devices; returns how many went.
pub fn purge(conn: &mut AnyConnection, now: i64) -> QueryResult<usize> {
    diesel::delete(dsl::trusted_devices.filter(dsl::expires_at.le(now))).execute(conn)
}
