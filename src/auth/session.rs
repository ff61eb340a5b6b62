//! The lifecycle of a session (a refresh family), shared by the token
//! endpoint and the browser cookies: open one at login, rotate its refresh
//! token, and treat reuse as the security event it is.

use super::AuthError;
use super::refresh::RefreshToken;
use super::rotation::{self, Opening, RefreshPolicy, Rotation};
use crate::db::sessions::{self, Device, Session};
use crate::db::{self, users::User};

use crate::state::AppState;

/// A successful rotation, with the scopes its new access token may carry.
pub struct Rotated {
    pub session: Session,
    pub user: User,
    pub successor: RefreshToken,
    /// The scopes the new access token carries: asked for, held by the
    /// session, and still held by the user today.
    pub scopes: Vec<String>,
}

pub fn refresh_policy(state: &AppState) -> RefreshPolicy {
    RefreshPolicy {
        ttl_seconds: state.settings.refresh_ttl.as_secs() as i64,
        idle_seconds: state.settings.refresh_idle_ttl.as_secs() as i64,
        grace_millis: state.settings.refresh_grace.as_millis() as i64,
    }
}

/// Opens a session for a fresh login; returns its id and first refresh
/// token. `user` is as its password was verified: if the password changed
/// since, the login fails as a wrong password would.
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn open(
    state: &AppState,
    user: &User,
    scopes: &[String],
    client_id: Option<&str>,
    device: Device,
    amr: &str,
) -> Result<(i64, RefreshToken), AuthError> {
    let amr = amr.to_owned();
    let (user_id, verified_hash) = (user.id, user.password_hash.clone());
    let client_id = client_id.map(str::to_owned);
    let (scopes, policy) = (scopes.to_vec(), refresh_policy(state));
    // Opens a session; ends or alters none.
    let opened = db::run_not_changing_sessions(&state.pool, move |conn| {
        let opening = Opening {
            user_id,
            client_id: client_id.as_deref(),
            sign_in: None,
            amr: Some(&amr),
            device: &device,
            verified_hash: Some(&verified_hash),
        };
        rotation::create(conn, opening, &scopes, policy)
    })
    .await?;
    match opened {
        Some((session, refresh)) => Ok((session.id, refresh)),
        None => {
            tracing::info!(
                event = "login_raced_password_change",
                user_id,
                "the password changed during the login; no session opened"
            );
            Err(AuthError::InvalidCredentials)
        }
    }
}

/// Rotates `presented`, narrowing the scopes to `requested` (none: every
/// scope the session still holds). `None` when it is refused (unknown,
/// expired, revoked) or reused, in which case its whole session is now
/// revoked and the event is logged and counted; `via` says which door it
/// came through. A scope not held is `invalid_scope`, and spends nothing.
#[tracing::instrument(skip_all, fields(via))]
pub async fn rotate(
    state: &AppState,
    presented: RefreshToken,
    requested: Option<String>,
    client_id: Option<String>,
    via: &'static str,
) -> Result<Option<Rotated>, AuthError> {
    let policy = refresh_policy(state);
    match db::run(&state.pool, move |conn| {
        rotation::rotate(
            conn,
            &presented,
            policy,
            requested.as_deref(),
            client_id.as_deref(),
        )
    })
    .await?
    {
        Rotation::Rotated {
            session,
            user,
            token,
            scopes,
        } => Ok(Some(Rotated {
            session: *session,
            user: *user,
            successor: token,
            scopes,
        })),
        Rotation::Refused => Ok(None),
        Rotation::InvalidScope(scope) => Err(AuthError::InvalidScope(scope)),
        Rotation::Reused {
            session_id,
            user_id,
        } => {
            state.metrics.observe_refresh_reuse();
            tracing::warn!(
                event = "refresh_reuse_detected",
                session_id,
                user_id,
                via,
                "a rotated refresh token was presented again; the whole session is revoked"
            );
            Ok(None)
        }
    }
}

/// Ends the session a refresh token and/or an access token's `sid` belong
/// to (sign-out, RFC 7009 revocation), on every instance at once since the
/// revocation lives in the database. Only sessions of `client_id` (none:
/// latchkey's own and the built-in client's) are ended: an application
/// revokes only its own tokens. Returns the session ended, if any.
#[tracing::instrument(skip_all)]
pub async fn end(
    state: &AppState,
    refresh: Option<RefreshToken>,
    access_session: Option<i64>,
    client_id: Option<String>,
) -> Result<Option<i64>, AuthError> {
    if refresh.is_none() && access_session.is_none() {
        return Ok(None);
    }
    let ended = db::run(&state.pool, move |conn| {
        let client = client_id.as_deref();
        let by_refresh = match &refresh {
            Some(token) => sessions::revoke_by_token(conn, &token.hash(), client)?,
            None => None,
        };
        let by_access = match access_session {
            Some(id) => sessions::revoke_of_client(conn, id, client)?.then_some(id),
            None => None,
        };
        Ok(by_refresh.or(by_access))
    })
    .await?;
    Ok(ended)
}
