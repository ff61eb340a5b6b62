//! `/auth/forward`: a reverse proxy asks, before each request to an
//! application behind it, whether the browser's session lets it through
//! (nginx `auth_request`, Caddy `forward_auth`, Traefik `forwardAuth`).
//!
//! - signed in (and holding `?scope=`): `200` with `Remote-User`,
//!   `Remote-Email`, `Remote-Name` and `Remote-Scopes` for the proxy to copy
//!   onto the request it forwards;
//! - signed in without the scope: `403`;
//! - not signed in: `302` to the login page, back to the original URL
//!   afterwards, when a trusted proxy says what that URL was in
//!   `X-Forwarded-Proto`/`-Host`/`-Uri` (Caddy, Traefik); `401` when it
//!   says it in `X-Original-URL` (nginx, whose `auth_request` passes only
//!   `401` and `403` on; the login URL is then in `Location` for its
//!   `error_page`), and a bare `401` otherwise.
//!
//! Only the access cookie counts, and it is never renewed here: the
//! proxy would have to carry the rotated refresh cookie back to the
//! browser, and one that drops it would get the session revoked as a
//! replay. An expired access cookie sends the person to the login page,
//! which renews the session on latchkey's own host and comes straight back.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use serde_json::json;

use super::form::Form;
use super::next_path::allowed_absolute;
use crate::error::ApiError;
use crate::http::client_address::peer_is_trusted;
use crate::http::cookies::BrowserCookies;
use crate::http::extract::{Caller, caller_for};
use crate::state::AppState;

/// `GET /auth/forward[?scope=S]` (nginx's subrequests are GETs whatever
/// the original request's method; Caddy and Traefik ask with GET too).
pub async fn check(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let required = match required_scopes(&req) {
        Ok(required) => required,
        Err(message) => {
            tracing::warn!(event = "forward_auth_misconfigured", %message, "bad /auth/forward query");
            return answer(StatusCode::BAD_REQUEST).json(json!({ "detail": message }));
        }
    };
    let caller = match signed_in(&state, &req).await {
        Ok(caller) => caller,
        Err(e) => return actix_web::ResponseError::error_response(&e),
    };
    let Some(caller) = caller else {
        return not_signed_in(&req, &state);
    };
    let held: Vec<&str> = caller.scopes().collect();
    if let Some(missing) = required.iter().find(|s| !held.contains(&s.as_str())) {
        tracing::info!(
            event = "forward_auth_refused",
            user_id = caller.user.id,
            scope = %missing,
            "signed in without the scope this application requires"
        );
        let detail = format!("this needs the scope {missing:?}");
        return answer(StatusCode::FORBIDDEN).json(json!({ "detail": detail }));
    }
    let email = caller.user.email.as_str();
    answer(StatusCode::OK)
        .insert_header(("Remote-User", email))
        .insert_header(("Remote-Email", email))
        // Accounts have no display name; the email is what people know.
        .insert_header(("Remote-Name", email))
        .insert_header(("Remote-Scopes", held.join(" ")))
        .finish()
}

/// Every answer: never cached by the proxy or anyone else.
fn answer(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// `?scope=a b`: every scope named is required.
fn required_scopes(req: &HttpRequest) -> Result<Vec<String>, String> {
    let query = Form::parse(req.query_string().as_bytes())
        .map_err(|_| "the query of /auth/forward could not be read".to_owned())?;
    Ok(query
        .get("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

/// The person whose access cookie this is, if it is live and belongs to a
/// sign-in of latchkey's own (not a session opened for an application).
/// Only a failure to check (the database) is an error.
async fn signed_in(state: &AppState, req: &HttpRequest) -> Result<Option<Caller>, ApiError> {
    let jar = BrowserCookies::new(&state.settings);
    let Some(token) = jar.read(req, jar.session_name()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let Ok(claims) = state.signer.verify(&token) else {
        return Ok(None);
    };
    if claims.client_id.is_some() {
        return Ok(None);
    }
    match caller_for(state, claims).await {
        Ok(caller) => Ok(Some(caller)),
        Err(ApiError::MissingToken | ApiError::InvalidToken(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn not_signed_in(req: &HttpRequest, state: &AppState) -> HttpResponse {
    let original = original_url(req, state);
    let login = original.as_ref().and_then(|(url, _)| {
        let Some(next) = allowed_absolute(&state.settings, url) else {
            tracing::info!(
                event = "forward_auth_foreign_url",
                "the proxied URL is not one the session cookie reaches; answering 401"
            );
            return None;
        };
        let public = state.settings.public_url.as_deref()?;
        let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        Some(format!("{public}/login?next={next}"))
    });
    match (login, original) {
        (Some(login), Some((_, Asked::Redirect))) => answer(StatusCode::FOUND)
            .insert_header((header::LOCATION, login))
            .finish(),
        (Some(login), Some((_, Asked::Status))) => answer(StatusCode::UNAUTHORIZED)
            .insert_header((header::LOCATION, login))
            .finish(),
        _ => answer(StatusCode::UNAUTHORIZED).finish(),
    }
}

/// How the proxy can pass a sign-in on to the browser.
enum Asked {
    /// Caddy and Traefik pass a redirect on as it is.
    Redirect,
    /// nginx passes only the status (its config redirects).
    Status,
}

/// The URL the browser asked the proxy for, if a trusted proxy says.
fn original_url(req: &HttpRequest, state: &AppState) -> Option<(String, Asked)> {
    if !peer_is_trusted(req, &state.settings.trusted_proxies) {
        return None;
    }
    let headers = req.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(url) = headers.get("x-original-url").and_then(|v| v.to_str().ok()) {
        return Some((url.to_owned(), Asked::Status));
    }
    let proto = text("x-forwarded-proto").filter(|p| p == "https" || p == "http")?;
    let host = text("x-forwarded-host")?;
    let uri = headers
        .get("x-forwarded-uri")
        .and_then(|v| v.to_str().ok())
        .filter(|uri| uri.starts_with('/'))?;
    Some((format!("{proto}://{host}{uri}"), Asked::Redirect))
}
