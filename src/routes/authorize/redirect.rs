//! How `/authorize` answers: back to the application's redirect URI with
//! the code or an error (RFC 6749 §4.1.2, RFC 9207 `iss`), or a page when
//! there is no trusted place to send the browser.

use super::request::AuthorizationRequest;
use crate::i18n::{Lang, Msg, msg};
use crate::routes::html;
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
        // Registered URIs are parsed when registered: no page to show.
        tracing::error!("a registered redirect URI does not parse");
        return HttpResponse::InternalServerError().finish();
    };
    target.query_pairs_mut().extend_pairs(params);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, target.as_str()))
        .finish()
}

/// The page for a request that cannot be sent back to any application.
pub(super) fn refused_page(t: Lang, why: Msg) -> HttpResponse {
    let text = t.tr1("authorize-refused-text", "why", t.tr(why.id()));
    html::message_text(
        t,
        StatusCode::BAD_REQUEST,
        msg("authorize-refused-title"),
        &text,
    )
}
