//! How `/authorize` answers: back to the application's redirect URI with
//! the code or an error (RFC 6749 §4.1.2, RFC 9207 `iss`), or a page when
//! there is no trusted place to send the browser.

use super::request::AuthorizationRequest;
use crate::error::ApiError;
use crate::routes::html;
use crate::routes::login::error_page;
use crate::state::AppState;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use url::Url;

/// A checked request's error, answered with `status` (303 after a form).
pub(super) fn error_redirect(
    request: &AuthorizationRequest,
    error: &'static str,
    description: &str,
    state: &AppState,
    status: StatusCode,
) -> HttpResponse {
    redirect_error(
        &request.redirect_uri,
        request.state.as_deref(),
        error,
        description,
        state,
        status,
    )
}

/// RFC 6749 §4.1.2.1, with `iss` (RFC 9207).
pub(super) fn redirect_error(
    redirect_uri: &str,
    client_state: Option<&str>,
    error: &'static str,
    description: &str,
    state: &AppState,
    status: StatusCode,
) -> HttpResponse {
    tracing::info!(
        event = "authorize_error",
        error,
        "authorization request answered with an error"
    );
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(s) = client_state {
        params.push(("state", s));
    }
    params.push(("iss", &state.settings.issuer));
    redirect_with(redirect_uri, &params, status)
}

/// `redirect_uri` (registered, so it parses) with `params` added to its
/// query, which it may already have.
pub(super) fn redirect_with(
    redirect_uri: &str,
    params: &[(&str, &str)],
    status: StatusCode,
) -> HttpResponse {
    let Ok(mut target) = Url::parse(redirect_uri) else {
        return error_page(ApiError::internal(
            "a registered redirect URI does not parse",
        ));
    };
    target.query_pairs_mut().extend_pairs(params);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, target.as_str()))
        .finish()
}

/// The page for a request that cannot be sent back to any application.
pub(super) fn refused_page(why: &str) -> HttpResponse {
    html::message(
        StatusCode::BAD_REQUEST,
        "Sign-in request refused",
        &format!("{why} Go back to the application and try again, or tell its administrator."),
    )
}
