//! Sessions (refresh-token families) and their refresh tokens, stored by
//! the SHA-256 of the token only. Plain queries: when a token may rotate is
//! decided in `auth::rotation`, inside one write transaction, and the claim
//! is one conditional UPDATE ([`claim_token`]), so concurrent refreshes with
//! the same token leave exactly one live successor on either backend.

use diesel::prelude::*;

use super::AnyConnection;
use super::ids::random_id;
use super::schema::{clients, refresh_tokens, sessions, users};
use super::users::User;
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
    /// The application the session was opened for; `None` for latchkey's
    /// own sign-in and the seed-compatible password grant.
    pub client_id: Option<String>,
    /// For an application's session: when the person signed in, how, and
    /// in which browser session (what its id_tokens say).
    pub auth_time: Option<i64>,
    pub amr: Option<String>,
    pub browser_session_id: Option<i64>,
    /// Where it was opened (the `User-Agent` and client address), and when
    /// it was last renewed.
    pub user_agent: Option<String>,
    pub address: Option<String>,
    pub last_used_at: Option<i64>,
}

/// The browser or program a session is opened from.
#[derive(Debug, Clone)]
pub struct Device {
    pub user_agent: Option<String>,
    pub address: std::net::IpAddr,
}

impl Session {
    /// When the person entered their password for this session.
    pub fn signed_in_at(&self) -> i64 {
        self.auth_time.unwrap_or(self.created_at)
    }
}

/// The sign-in an application's session stands on.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub auth_time: i64,
    pub amr: String,
    pub browser_session_id: i64,
}

/// A stored refresh token, as rotation needs to see it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct StoredToken {
    pub expires_at: i64,
    /// When it was rotated, in Unix milliseconds.
    pub used_at: Option<i64>,
    /// Its successor, sealed under a pad only this token derives.
    pub successor_sealed: Option<String>,
}

/// A session to open, with its first refresh token (by hash).
pub struct NewSession<'a> {
    pub user_id: i64,
    pub client_id: Option<&'a str>,
    pub sign_in: Option<&'a SignIn>,
    pub device: &'a Device,
    /// The scopes, space-separated.
    pub scopes: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
    pub token_hash: &'a str,
    pub token_expires_at: i64,
}

/// Opens a session with its first refresh token; `None` if the user was
/// disabled, or their password hash is no longer `verified_hash` (when the
/// password was checked just before). Run it inside a write transaction.
pub fn create(
    conn: &mut AnyConnection,
    new: NewSession<'_>,
    verified_hash: Option<&str>,
) -> QueryResult<Option<Session>> {
    let session = Session {
        id: random_id(),
        user_id: new.user_id,
        scopes: new.scopes.to_owned(),
        created_at: new.created_at,
        expires_at: new.expires_at,
        revoked_at: None,
        client_id: new.client_id.map(str::to_owned),
        auth_time: new.sign_in.map(|s| s.auth_time),
        amr: new.sign_in.map(|s| s.amr.clone()),
        browser_session_id: new.sign_in.map(|s| s.browser_session_id),
        user_agent: new.device.user_agent.clone(),
        address: Some(new.device.address.to_string()),
        last_used_at: Some(new.created_at),
    };
    // A password change committing between the check and this insert
    // must not leave a session opened with the old password. This
    // no-op update re-checks the hash and holds the user's row until
    // commit (PostgreSQL: `user passwd` waits for the session to exist,
    // then revokes it; or, committed first, leaves nothing to match;
    // SQLite: writers are serialised anyway).
    let user = users::table
        .filter(users::id.eq(new.user_id))
        .filter(users::disabled.eq(false));
    let unchanged = match verified_hash {
        Some(hash) => diesel::update(user.filter(users::password_hash.eq(hash)))
            .set(users::password_hash.eq(users::password_hash))
            .execute(conn)?,
        None => diesel::update(user)
            .set(users::password_hash.eq(users::password_hash))
            .execute(conn)?,
    };
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
            sessions::client_id.eq(&session.client_id),
            sessions::auth_time.eq(session.auth_time),
            sessions::amr.eq(&session.amr),
            sessions::browser_session_id.eq(session.browser_session_id),
            sessions::user_agent.eq(&session.user_agent),
            sessions::address.eq(&session.address),
            sessions::last_used_at.eq(session.last_used_at),
        ))
        .execute(conn)?;
    insert_token(conn, new.token_hash, session.id, new.token_expires_at)?;
    Ok(Some(session))
}

/// Stores a refresh token of `session_id` by its hash.
pub fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    session_id: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now_millis()),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// The token with `token_hash`, with its session and user.
pub fn find_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> QueryResult<Option<(StoredToken, Session, User)>> {
    refresh_tokens::table
        .inner_join(sessions::table.inner_join(users::table))
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            StoredToken::as_select(),
            Session::as_select(),
            User::as_select(),
        ))
        .first::<(StoredToken, Session, User)>(conn)
        .optional()
}

/// The token with `token_hash`, which is known to exist.
pub fn stored_token(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<StoredToken> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(StoredToken::as_select())
        .first(conn)
}

/// Marks the token used at `now_ms` with its sealed successor, if it is
/// still unused; `true` if this call claimed it. One conditional UPDATE:
/// PostgreSQL re-checks the condition after waiting for the row lock.
pub fn claim_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now_ms: i64,
    successor_sealed: &str,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set((
        refresh_tokens::used_at.eq(now_ms),
        refresh_tokens::successor_sealed.eq(successor_sealed),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Whether the token with `token_hash` exists and is unused.
pub fn is_unused(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<bool> {
    let unused: i64 = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::used_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(unused == 1)
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

/// Revokes the session the token with `token_hash` belongs to, if it is
/// a session of `client_id`.
pub fn revoke_by_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    client_id: Option<&str>,
) -> QueryResult<Option<i64>> {
    let session_id = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::session_id)
        .first::<i64>(conn)
        .optional()?;
    match session_id {
        Some(id) if revoke_of_client(conn, id, client_id)? => Ok(Some(id)),
        _ => Ok(None),
    }
}

/// Revokes session `session_id` if it belongs to `client_id` (`None`: to
/// no application); `true` if it does (revoked now or before).
pub fn revoke_of_client(
    conn: &mut AnyConnection,
    session_id: i64,
    client_id: Option<&str>,
) -> QueryResult<bool> {
    let owner = sessions::table
        .filter(sessions::id.eq(session_id))
        .select(sessions::client_id)
        .first::<Option<String>>(conn)
        .optional()?;
    match owner {
        Some(owner) if owner.as_deref() == client_id => {
            revoke(conn, session_id)?;
            Ok(true)
        }
        _ => Ok(false),
    }
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

/// When a live session began (its sign-in) and when it ends.
#[derive(Debug, Clone, Copy)]
pub struct SessionTimes {
    pub started: i64,
    pub ends: i64,
}

/// The user with `email` and the times of their session `session_id`
/// (`None` if it is revoked, expired, missing or someone else's). One
/// statement: this runs on every authenticated request.
pub fn user_with_session(
    conn: &mut AnyConnection,
    email: &str,
    id: i64,
) -> QueryResult<Option<(User, Option<SessionTimes>)>> {
    let found = users::table
        .left_join(
            sessions::table.on(sessions::id
                .eq(id)
                .and(sessions::user_id.eq(users::id))
                .and(sessions::revoked_at.is_null())
                .and(sessions::expires_at.gt(now_unix()))),
        )
        .filter(users::email.eq(email))
        .select((
            User::as_select(),
            sessions::created_at.nullable(),
            sessions::expires_at.nullable(),
        ))
        .first::<(User, Option<i64>, Option<i64>)>(conn)
        .optional()?;
    Ok(found.map(|(user, started, ends)| {
        let times = started
            .zip(ends)
            .map(|(started, ends)| SessionTimes { started, ends });
        (user, times)
    }))
}

/// Records that session `id` was used (renewed) at `now`.
pub fn touch(conn: &mut AnyConnection, id: i64, now: i64) -> QueryResult<()> {
    diesel::update(sessions::table.filter(sessions::id.eq(id)))
        .set(sessions::last_used_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// The user's live sessions, newest first, each with the name of the
/// application it was opened for, if any.
pub fn live_for_user(
    conn: &mut AnyConnection,
    user_id: i64,
) -> QueryResult<Vec<(Session, Option<String>)>> {
    sessions::table
        .left_join(clients::table.on(sessions::client_id.eq(clients::id.nullable())))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now_unix()))
        .order(sessions::created_at.desc())
        .select((Session::as_select(), clients::name.nullable()))
        .load(conn)
}

/// Revokes session `id` if it is `user_id`'s; `true` if it was.
pub fn revoke_of_user(conn: &mut AnyConnection, id: i64, user_id: i64) -> QueryResult<bool> {
    let revoked = diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now_unix()))
    .execute(conn)?;
    Ok(revoked == 1)
}

/// Revokes every session of `user_id` but `keep` ("sign out everywhere
/// else", a password change); returns how many ended.
pub fn revoke_all_for_user_except(
    conn: &mut AnyConnection,
    user_id: i64,
    keep: i64,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now_unix()))
    .execute(conn)
}
