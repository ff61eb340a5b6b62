//! `POST /token` (password and refresh grants) and `POST /token/revoke`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::form::Form;
use std::net::IpAddr;

use crate::auth::refresh::RefreshToken;
use crate::auth::scopes;
use crate::auth::session;
use crate::auth::{AuthError, authenticate};
use crate::db::users::User;
use crate::error::ApiError;
use crate::http::client_address::client_address;
use crate::state::AppState;

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
    scope: String,
}

pub async fn token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let form = Form::read(&req, payload).await?;
    match Grant::try_from(form)? {
        Grant::Password(grant) => {
            let client = client_address(&req, &state.settings.trusted_proxies);
            password_grant(&state, client, grant).await
        }
        Grant::Refresh(grant) => refresh_grant(&state, grant).await,
    }
}

/// The body of `POST /token`, by grant type.
enum Grant {
    Password(PasswordGrant),
    Refresh(RefreshGrant),
}

struct PasswordGrant {
    username: String,
    password: String,
    scope: Option<String>,
}

struct RefreshGrant {
    refresh_token: String,
    scope: Option<String>,
}

impl TryFrom<Form> for Grant {
    type Error = ApiError;

    fn try_from(mut form: Form) -> Result<Self, ApiError> {
        let grant_type = form.take("grant_type").filter(|g| !g.is_empty());
        let scope = form.take("scope");
        // FastAPI's OAuth2PasswordRequestForm lets clients omit grant_type.
        match grant_type.as_deref().unwrap_or("password") {
            "password" => {
                let (Some(username), Some(password)) =
                    (form.take("username"), form.take("password"))
                else {
                    return Err(ApiError::InvalidRequest(
                        "username and password are required".into(),
                    ));
                };
                // Malformed, not wrong: answered before any throttling or hashing.
                if username.trim().is_empty() || password.is_empty() {
                    return Err(ApiError::InvalidRequest(
                        "username and password must not be empty".into(),
                    ));
                }
                Ok(Self::Password(PasswordGrant {
                    username,
                    password,
                    scope,
                }))
            }
            "refresh_token" => {
                let refresh_token = form
                    .take("refresh_token")
                    .ok_or_else(|| ApiError::InvalidRequest("refresh_token is required".into()))?;
                Ok(Self::Refresh(RefreshGrant {
                    refresh_token,
                    scope,
                }))
            }
            _ => Err(ApiError::UnsupportedGrantType),
        }
    }
}

#[tracing::instrument(skip_all, fields(grant = "password"))]
async fn password_grant(
    state: &AppState,
    client: IpAddr,
    grant: PasswordGrant,
) -> Result<HttpResponse, ApiError> {
    let (username, password) = (&grant.username, &grant.password);
    let user = match authenticate(state, client, username, password, None).await {
        Ok(user) => user,
        Err(e) => {
            if matches!(e, AuthError::InvalidCredentials) {
                tracing::info!(event = "login_failed", via = "token", client = %client, "password grant refused");
            }
            return Err(e.into());
        }
    };
    let scopes = narrow_scopes(&user.scope_list(), grant.scope.as_deref())?;
    let (session, refresh) = session::open(state, &user, &scopes).await?;
    tracing::info!(
        event = "login_succeeded",
        via = "token",
        client = %client,
        user_id = user.id,
        session_id = session,
        "password grant"
    );
    token_response(state, &user, &scopes, session, refresh)
}

#[tracing::instrument(skip_all, fields(grant = "refresh_token"))]
async fn refresh_grant(state: &AppState, grant: RefreshGrant) -> Result<HttpResponse, ApiError> {
    let presented = RefreshToken::parse(&grant.refresh_token).ok_or(ApiError::InvalidGrant)?;
    let rotated = session::rotate(state, presented, grant.scope, "token")
        .await?
        .ok_or(ApiError::InvalidGrant)?;
    token_response(
        state,
        &rotated.user,
        &rotated.scopes,
        rotated.session.id,
        rotated.successor,
    )
}

fn token_response(
    state: &AppState,
    user: &User,
    scopes: &[String],
    session_id: i64,
    refresh: RefreshToken,
) -> Result<HttpResponse, ApiError> {
    let access = state
        .signer
        .issue(&user.email, scopes, Some(session_id))
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token: access.token,
            token_type: "bearer",
            expires_in: access.expires_in,
            refresh_token: refresh.expose().to_owned(),
            scope: scopes.join(" "),
        }))
}

fn narrow_scopes(held: &[String], requested: Option<&str>) -> Result<Vec<String>, ApiError> {
    scopes::narrow_scopes(held, requested).map_err(ApiError::InvalidScope)
}

/// RFC 7009: revokes the session of a refresh token (or of an access
/// token). Unknown and malformed tokens get the same 200.
pub async fn revoke(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut form = Form::read(&req, payload).await?;
    let token = form
        .take("token")
        .ok_or_else(|| ApiError::InvalidRequest("token is required".into()))?;
    let token = token.as_str();
    // A refresh token if it has that shape, else perhaps an access token.
    let refresh = RefreshToken::parse(token);
    let access_session = refresh
        .is_none()
        .then(|| state.signer.verify(token).ok().and_then(|c| c.session_id()))
        .flatten();
    let session_id = session::end(&state, refresh, access_session).await?;
    if let Some(session_id) = session_id {
        tracing::info!(
            event = "session_revoked",
            via = "revoke",
            session_id,
            "token revoked"
        );
    }
    Ok(HttpResponse::Ok().finish())
}
