//! Sessions (refresh-token families) and their refresh tokens. Rotation is
//! decided by one conditional UPDATE, so concurrent refreshes with the same
//! token leave exactly one live successor on either backend.

use diesel::prelude::*;

use super::schema::{refresh_tokens, sessions, users};
use super::users::User;
use super::{AnyConnection, random_id, write_transaction};
use crate::auth::refresh::RefreshToken;
use crate::auth::scopes::{held_scopes, narrow_scopes};
use crate::clock::{now_millis, now_unix};

/// A live session: who, with which scopes, until when.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct StoredToken {
    expires_at: i64,
    used_at: Option<i64>,
    successor_sealed: Option<String>,
}

/// Lifetimes that govern rotation.
#[derive(Debug, Clone, Copy)]
pub struct RefreshPolicy {
    /// Absolute lifetime of a session, in seconds.
    pub ttl_seconds: i64,
    /// How long a refresh token lives unused, in seconds (never beyond
    /// the session).
    pub idle_seconds: i64,
    /// How long after a rotation the rotated token still yields the same
    /// successor, in milliseconds.
    pub grace_millis: i64,
}

impl RefreshPolicy {
    /// When a token issued now expires: idle lifetime, capped by the session.
    fn token_expiry(&self, session_expires_at: i64) -> i64 {
        (now_unix() + self.idle_seconds).min(session_expires_at)
    }
}

/// What presenting a refresh token led to.
pub enum Rotation {
    /// A live successor (new, or the same one again within the grace), with
    /// the scopes its access token carries.
    Rotated {
        session: Session,
        user: User,
        token: RefreshToken,
        scopes: Vec<String>,
    },
    /// Unknown, expired, revoked, or the user is disabled.
    Refused,
    /// A scope was asked for that the session does not hold (any more):
    /// refused before anything changed, so the token is still good.
    InvalidScope(String),
    /// An already-rotated token outside the grace: the family is now revoked.
    Reused { session_id: i64, user_id: i64 },
}

/// Opens a session for `user` and returns it with its first refresh token;
/// `None` if the user's password hash is no longer `verified_hash` (or the
/// user was disabled) since the password was checked.
pub fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    verified_hash: &str,
    scopes: &[String],
    policy: RefreshPolicy,
) -> QueryResult<Option<(Session, RefreshToken)>> {
    let now = now_unix();
    let session = Session {
        id: random_id(),
        user_id,
        scopes: scopes.join(" "),
        created_at: now,
        expires_at: now + policy.ttl_seconds,
        revoked_at: None,
    };
    let token = RefreshToken::generate();
    let opened = write_transaction(conn, |conn| -> QueryResult<Option<()>> {
        // A password change committing between the check and this insert
        // must not leave a session opened with the old password. This
        // no-op update re-checks the hash and holds the user's row until
        // commit (PostgreSQL: `user passwd` waits for the session to exist,
        // then revokes it; or, committed first, leaves nothing to match;
        // SQLite: writers are serialised anyway).
        let unchanged = diesel::update(
            users::table
                .filter(users::id.eq(user_id))
                .filter(users::password_hash.eq(verified_hash))
                .filter(users::disabled.eq(false)),
        )
        .set(users::password_hash.eq(users::password_hash))
        .execute(conn)?;
        if unchanged == 0 {
            return Ok(None);
        }
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(session.id),
                sessions::user_id.eq(session.user_id),
                sessions::scopes.eq(&session.scopes),
                sessions::created_at.eq(session.created_at),
                sessions::expires_at.eq(session.expires_at),
            ))
            .execute(conn)?;
        insert_token(
            conn,
            &token,
            session.id,
            policy.token_expiry(session.expires_at),
        )?;
        Ok(Some(()))
    })?;
    Ok(opened.map(|()| (session, token)))
}

fn insert_token(
    conn: &mut AnyConnection,
    token: &RefreshToken,
    session_id: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token.hash()),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now_millis()),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Exchanges `presented` for its successor; see [`Rotation`]. `requested`
/// narrows the scopes (none or empty: every scope the session still holds).
pub fn rotate(
    conn: &mut AnyConnection,
    presented: &RefreshToken,
    policy: RefreshPolicy,
    requested: Option<&str>,
) -> QueryResult<Rotation> {
    let hash = presented.hash();
    write_transaction(conn, |conn| {
        let found = refresh_tokens::table
            .inner_join(sessions::table.inner_join(users::table))
            .filter(refresh_tokens::token_hash.eq(&hash))
            .select((
                StoredToken::as_select(),
                Session::as_select(),
                User::as_select(),
            ))
            .first::<(StoredToken, Session, User)>(conn)
            .optional()?;
        let Some((stored, session, user)) = found else {
            return Ok(Rotation::Refused);
        };
        let now = now_unix();
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || stored.expires_at <= now
            || user.disabled
        {
            return Ok(Rotation::Refused);
        }
        // Never more than the session was granted, nor than the user holds
        // today; checked before the token is spent.
        let scopes = narrow_scopes(&held_scopes(&session, &user), requested);
        let now_ms = now_millis();
        let again = if stored.used_at.is_none() {
            let granted = match &scopes {
                Ok(granted) => granted.clone(),
                Err(scope) => return Ok(Rotation::InvalidScope(scope.clone())),
            };
            let successor = RefreshToken::generate();
            let claimed = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&hash))
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set((
                refresh_tokens::used_at.eq(now_ms),
                refresh_tokens::successor_sealed.eq(presented.seal(&successor)),
            ))
            .execute(conn)?;
            if claimed == 1 {
                insert_token(
                    conn,
                    &successor,
                    session.id,
                    policy.token_expiry(session.expires_at),
                )?;
                return Ok(Rotation::Rotated {
                    session,
                    user,
                    token: successor,
                    scopes: granted,
                });
            }
            // Another transaction rotated it first (PostgreSQL re-checks the
            // condition after waiting for its row lock): treat as a retry.
            let rotated = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(&hash))
                .select(StoredToken::as_select())
                .first(conn)?;
            successor_again(conn, presented, rotated, now_ms, policy)?
        } else {
            successor_again(conn, presented, stored, now_ms, policy)?
        };
        match (again, scopes) {
            (Some(token), Ok(scopes)) => Ok(Rotation::Rotated {
                session,
                user,
                token,
                scopes,
            }),
            (Some(_), Err(scope)) => Ok(Rotation::InvalidScope(scope)),
            (None, _) => {
                revoke(conn, session.id)?;
                Ok(Rotation::Reused {
                    session_id: session.id,
                    user_id: user.id,
                })
            }
        }
    })
}

/// For a presentation of an already-rotated token: its successor again,
/// if it was rotated within the grace window and its successor is still
/// unused (it is the token just rotated). `None` means reuse.
fn successor_again(
    conn: &mut AnyConnection,
    presented: &RefreshToken,
    stored: StoredToken,
    now_ms: i64,
    policy: RefreshPolicy,
) -> QueryResult<Option<RefreshToken>> {
    let within_grace = stored
        .used_at
        .is_some_and(|used| now_ms - used < policy.grace_millis);
    let successor = stored
        .successor_sealed
        .as_deref()
        .and_then(|sealed| presented.unseal(sealed));
    let Some(successor) = successor.filter(|_| within_grace) else {
        return Ok(None);
    };
    // A token rotated two refreshes ago has a spent successor: handing that
    // out would mint a fresh access token from an old refresh token.
    let unused: i64 = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(successor.hash()))
        .filter(refresh_tokens::used_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((unused == 1).then_some(successor))
}

/// Revokes one session (idempotent).
pub fn revoke(conn: &mut AnyConnection, session_id: i64) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now_unix()))
    .execute(conn)
    .map(drop)
}

/// Revokes the session `presented` belongs to, if it is one of ours.
pub fn revoke_by_token(
    conn: &mut AnyConnection,
    presented: &RefreshToken,
) -> QueryResult<Option<i64>> {
    let session_id = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(presented.hash()))
        .select(refresh_tokens::session_id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = session_id {
        revoke(conn, id)?;
    }
    Ok(session_id)
}

/// Revokes every session of a user (password change, disabling).
pub fn revoke_all_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now_unix()))
    .execute(conn)
}

/// The user with `email` and when their session `session_id` ends (`None`
/// if it is revoked, expired, missing or someone else's). One statement:
/// this runs on every authenticated request.
pub fn user_with_session(
    conn: &mut AnyConnection,
    email: &str,
    id: i64,
) -> QueryResult<Option<(User, Option<i64>)>> {
    let found = users::table
        .left_join(
            sessions::table.on(sessions::id
                .eq(id)
                .and(sessions::user_id.eq(users::id))
                .and(sessions::revoked_at.is_null())
                .and(sessions::expires_at.gt(now_unix()))),
        )
        .filter(users::email.eq(email))
        .select((User::as_select(), sessions::expires_at.nullable()))
        .first::<(User, Option<i64>)>(conn)
        .optional()?;
    Ok(found)
}
