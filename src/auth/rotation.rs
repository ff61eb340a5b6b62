//! Refresh rotation as policy: who may exchange a refresh token for its
//! successor, with which scopes, and when a presentation is reuse. All of
//! it runs in one write transaction over the plain queries of
//! [`db::sessions`](crate::db::sessions).

use diesel::QueryResult;

use super::refresh::RefreshToken;
use super::scopes::{held_scopes, narrow_scopes};
use crate::clock::{now_millis, now_unix};
use crate::db::sessions::{self, Device, NewSession, Session, SignIn, StoredToken};
use crate::db::users::User;
use crate::db::{AnyConnection, write_transaction};

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

/// A session's last use is written when the one on record is at least
/// this old. The account page shows it as "just now" for the first
/// minute; writing it on every refresh cost each rotation one more page
/// of the database, for a session refreshed many times a minute.
const LAST_USE_PRECISION_SECONDS: i64 = 10;

/// What presenting a refresh token led to.
pub enum Rotation {
    /// A live successor (new, or the same one again within the grace), with
    /// the scopes its access token carries.
    Rotated {
        session: Box<Session>,
        user: Box<User>,
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

/// Who a new session is for.
pub struct Opening<'a> {
    pub user_id: i64,
    /// The application it is opened for, if any, and the sign-in it
    /// stands on.
    pub client_id: Option<&'a str>,
    pub sign_in: Option<&'a SignIn>,
    /// How the person signed in, for latchkey's own sessions.
    pub amr: Option<&'a str>,
    /// The browser or program asking.
    pub device: &'a Device,
    /// The password hash just verified, if a password was: the session is
    /// not opened if it changed since.
    pub verified_hash: Option<&'a str>,
}

/// Opens a session and returns it with its first refresh token; `None` if
/// the user was disabled or their password changed since it was checked.
pub fn create(
    conn: &mut AnyConnection,
    opening: Opening<'_>,
    scopes: &[String],
    policy: RefreshPolicy,
) -> QueryResult<Option<(Session, RefreshToken)>> {
    write_transaction(conn, |conn| create_within(conn, opening, scopes, policy))
}

/// [`create`], for a caller that already holds a write transaction.
pub fn create_within(
    conn: &mut AnyConnection,
    opening: Opening<'_>,
    scopes: &[String],
    policy: RefreshPolicy,
) -> QueryResult<Option<(Session, RefreshToken)>> {
    let now = now_unix();
    let expires_at = now + policy.ttl_seconds;
    let token = RefreshToken::generate();
    let new = NewSession {
        user_id: opening.user_id,
        client_id: opening.client_id,
        sign_in: opening.sign_in,
        amr: opening.amr,
        device: opening.device,
        scopes: &scopes.join(" "),
        created_at: now,
        expires_at,
        token_hash: &token.hash(),
        token_expires_at: policy.token_expiry(expires_at),
    };
    let opened = sessions::create(conn, new, opening.verified_hash)?;
    Ok(opened.map(|session| (session, token)))
}

/// Exchanges `presented` for its successor; see [`Rotation`]. `requested`
/// narrows the scopes (none or empty: every scope the session still holds).
/// `client_id` is the authenticated client: a session opened for an
/// application rotates only for it (and one without, only without), and
/// a token presented by the wrong client is refused without being spent.
pub fn rotate(
    conn: &mut AnyConnection,
    presented: &RefreshToken,
    policy: RefreshPolicy,
    requested: Option<&str>,
    client_id: Option<&str>,
) -> QueryResult<Rotation> {
    let hash = presented.hash();
    write_transaction(conn, |conn| {
        let Some((stored, session, user)) = sessions::find_token(conn, &hash)? else {
            return Ok(Rotation::Refused);
        };
        let now = now_unix();
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || stored.expires_at <= now
            || user.disabled
            || session.client_id.as_deref() != client_id
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
            if sessions::claim_token(conn, &hash, now_ms, &presented.seal(&successor))? {
                let expires_at = policy.token_expiry(session.expires_at);
                sessions::insert_token(conn, &successor.hash(), session.id, expires_at)?;
                if session
                    .last_used_at
                    .is_none_or(|at| now - at >= LAST_USE_PRECISION_SECONDS)
                {
                    sessions::touch(conn, session.id, now)?;
                }
                return Ok(Rotation::Rotated {
                    session: Box::new(session),
                    user: Box::new(user),
                    token: successor,
                    scopes: granted,
                });
            }
            // Another transaction rotated it first (PostgreSQL re-checks the
            // condition after waiting for its row lock): treat as a retry.
            let rotated = sessions::stored_token(conn, &hash)?;
            successor_again(conn, presented, rotated, now_ms, policy)?
        } else {
            successor_again(conn, presented, stored, now_ms, policy)?
        };
        match (again, scopes) {
            (Some(token), Ok(scopes)) => Ok(Rotation::Rotated {
                session: Box::new(session),
                user: Box::new(user),
                token,
                scopes,
            }),
            (Some(_), Err(scope)) => Ok(Rotation::InvalidScope(scope)),
            (None, _) => {
                sessions::revoke(conn, session.id)?;
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
    let unused = sessions::is_unused(conn, &successor.hash())?;
    Ok(unused.then_some(successor))
}
