//! The signed-in caller, as an extractor: a valid bearer token whose user
//! still exists and is not disabled.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::jwt::Claims;
use crate::db::{self, users, users::User};
use crate::error::ApiError;
use crate::state::AppState;

pub struct Caller {
    pub user: User,
    pub claims: Claims,
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
            let email = claims.sub.clone();
            let user = db::run(&state.pool, move |conn| users::find_by_email(conn, &email)).await?;
            match user {
                Some(user) if !user.disabled => Ok(Caller { user, claims }),
                Some(_) => Err(ApiError::InvalidToken("the user is disabled".into())),
                None => Err(ApiError::InvalidToken("the user no longer exists".into())),
            }
        })
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
