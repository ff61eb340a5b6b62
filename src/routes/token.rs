//! `POST /token`: the OAuth2 token endpoint (password grant).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::form::Form;
use crate::auth::authenticate;
use crate::db::users::User;
use crate::error::ApiError;
use crate::metrics::LoginOutcome;
use crate::state::AppState;

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
}

pub async fn token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let form = Form::read(&req, payload).await?;
    // FastAPI's OAuth2PasswordRequestForm lets clients omit grant_type.
    match form
        .get("grant_type")
        .filter(|g| !g.is_empty())
        .unwrap_or("password")
    {
        "password" => password_grant(&state, &form).await,
        _ => Err(ApiError::UnsupportedGrantType),
    }
}

async fn password_grant(state: &AppState, form: &Form) -> Result<HttpResponse, ApiError> {
    let (Some(username), Some(password)) = (form.get("username"), form.get("password")) else {
        return Err(ApiError::InvalidRequest(
            "username and password are required".into(),
        ));
    };
    let user = match authenticate(state, username, password).await {
        Ok(user) => user,
        Err(e) => {
            if matches!(e, ApiError::InvalidCredentials) {
                tracing::info!(
                    event = "login_failed",
                    via = "token",
                    "password grant refused"
                );
                state.metrics.observe_login(LoginOutcome::Failed);
            }
            return Err(e);
        }
    };
    let scopes = granted_scopes(&user, form.get("scope"))?;
    let access = state
        .tokens
        .issue(&user.email, &scopes)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tracing::info!(
        event = "login_succeeded",
        via = "token",
        user_id = user.id,
        "password grant"
    );
    state.metrics.observe_login(LoginOutcome::Succeeded);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token: access.token,
            token_type: "bearer",
            expires_in: access.expires_in,
            scope: scopes.join(" "),
        }))
}

/// The scopes a grant carries: all of the user's without `scope` (or with
/// an empty one, as FastAPI clients send), else exactly those asked for,
/// each of which the user must hold.
fn granted_scopes(user: &User, requested: Option<&str>) -> Result<Vec<String>, ApiError> {
    let held = user.scope_list();
    let requested: Vec<&str> = requested.unwrap_or("").split_whitespace().collect();
    if requested.is_empty() {
        return Ok(held);
    }
    let mut granted: Vec<String> = Vec::new();
    for scope in requested {
        if !held.iter().any(|h| h == scope) {
            return Err(ApiError::InvalidScope(scope.to_owned()));
        }
        if !granted.iter().any(|g| g == scope) {
            granted.push(scope.to_owned());
        }
    }
    Ok(granted)
}
