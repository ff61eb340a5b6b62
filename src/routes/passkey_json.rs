//! What the passkey ceremony endpoints share: their JSON bodies (size cap,
//! `application/json` only, the CSRF token and origin check of the forms)
//! and their JSON answers, errors included.

use actix_web::cookie::Cookie;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::auth::passkeys::PasskeyError;
use crate::http::csrf;
use crate::http::language;
use crate::i18n::Lang;
use crate::state::AppState;

/// Largest body accepted: an attestation with a certificate chain fits.
const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Reads a JSON body of `T`, refusing anything not posted from this
/// site's own pages. A form post from another site cannot send
/// `application/json` without a CORS preflight, which latchkey never
/// grants; the CSRF check holds anyway.
pub async fn read<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    path: &'static str,
) -> Result<T, Box<HttpResponse>> {
    let t = language::of(req);
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(Box::new(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            &t.tr("passkey-error-media-type"),
        )));
    }
    let body = match payload.to_bytes_limited(JSON_BODY_LIMIT).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(Box::new(unreadable(t))),
        Err(_) => {
            return Err(Box::new(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                &t.tr("passkey-error-too-large"),
            )));
        }
    };
    // The token is checked before the rest is read, so a forged request
    // learns nothing about what a right one holds.
    let posted: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| Box::new(unreadable(t)))?;
    let token = posted.get("csrf_token").and_then(|t| t.as_str());
    if let Err(why) = csrf::check(&state.settings, req, token) {
        tracing::info!(event = "csrf_rejected", path, reason = %why, "passkey request refused as forged");
        return Err(Box::new(error(
            StatusCode::FORBIDDEN,
            "forged",
            &t.tr("passkey-error-forged"),
        )));
    }
    serde_json::from_value(posted).map_err(|_| Box::new(unreadable(t)))
}

fn unreadable(t: Lang) -> HttpResponse {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &t.tr("passkey-error-unreadable"),
    )
}

/// An error answer the page's script shows as it is.
pub fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": code, "message": message}))
}

/// Where the page's script goes next.
pub fn go_to(cookies: Vec<Cookie<'static>>, location: &str) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    for cookie in cookies {
        builder.cookie(cookie);
    }
    builder.json(json!({ "location": location }))
}

/// The answer for a ceremony that failed.
pub fn refused(t: Lang, e: PasskeyError) -> HttpResponse {
    match e {
        PasskeyError::Off => error(
            StatusCode::NOT_FOUND,
            "passkeys_off",
            &t.tr("passkey-error-off"),
        ),
        PasskeyError::Expired => error(
            StatusCode::BAD_REQUEST,
            "expired",
            &t.tr("passkey-error-expired"),
        ),
        PasskeyError::Refused(why) => {
            tracing::info!(reason = why, "passkey refused");
            error(
                StatusCode::UNAUTHORIZED,
                "refused",
                &t.tr("passkey-error-refused"),
            )
        }
        PasskeyError::Duplicate => error(
            StatusCode::CONFLICT,
            "duplicate",
            &t.tr("passkey-error-duplicate"),
        ),
        PasskeyError::Throttled { retry_after } => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                &crate::routes::html::try_again_in(t, retry_after),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            response
        }
        PasskeyError::Database(e) => {
            tracing::error!(error = %e, "database unavailable");
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                &t.tr("passkey-error-busy"),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(1));
            response
        }
        PasskeyError::Internal(e) => {
            tracing::error!(error = %e, "passkey ceremony failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &t.tr("passkey-error-internal"),
            )
        }
    }
}
