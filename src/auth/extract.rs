//! The signed-in caller, as an extractor: a valid bearer token whose user
//! still exists and is enabled, and whose session is not revoked.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::jwt::Claims;
use crate::db::{self, sessions, users, users::User};
use crate::error::ApiError;
use crate::state::AppState;

pub struct Caller {
    pub user: User,
    pub claims: Claims,
}

impl Caller {
    /// RFC 6750: a token without `scope` gets 403 `insufficient_scope`.
    pub fn require_scope(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.claims.scopes().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::InsufficientScope(scope))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let token = token.ok_or(ApiError::MissingToken)?;
            let claims = state
                .tokens
                .verify(&token)
                .map_err(|e| ApiError::InvalidToken(e.to_string()))?;
            caller_for(&state, claims).await
        })
    }
}

/// Checks, in one database round, that the token's user and session are
/// still good.
pub async fn caller_for(state: &AppState, claims: Claims) -> Result<Caller, ApiError> {
    let email = claims.sub.clone();
    let session = claims.session_id();
    let (user, session_live) = db::run(&state.pool, move |conn| {
        let user = users::find_by_email(conn, &email)?;
        let live = match session {
            Some(id) => sessions::is_live(conn, id)?,
            None => true,
        };
        Ok((user, live))
    })
    .await?;
    match user {
        Some(_) if !session_live => Err(ApiError::InvalidToken("the session was revoked".into())),
        Some(user) if !user.disabled => Ok(Caller { user, claims }),
        Some(_) => Err(ApiError::InvalidToken("the user is disabled".into())),
        None => Err(ApiError::InvalidToken("the user no longer exists".into())),
    }
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is
/// case-insensitive (RFC 7235).
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}
