//! When a rate-limited notice last went to a user, shared by all instances.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::AnyConnection;

/// Records a rate-limited notice of `kind` to `user_id` unless one went out
/// after `since_s`; returns whether this one may go. One statement, so two
/// instances deciding at once send one notice.
pub fn claim_notice(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    now_s: i64,
    since_s: i64,
) -> QueryResult<bool> {
    let changed = diesel::sql_query(
        "INSERT INTO mail_notices (user_id, kind, sent_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, kind) DO UPDATE SET sent_at = excluded.sent_at \
         WHERE mail_notices.sent_at <= $4",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(kind)
    .bind::<BigInt, _>(now_s)
    .bind::<BigInt, _>(since_s)
    .execute(conn)?;
    Ok(changed > 0)
}
