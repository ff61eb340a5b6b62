//! Cross-cutting request behaviour: the access log, security headers and
//! the request metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// One log line per request. The path is logged without its query string,
/// which may carry a one-time token.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    tracing::info!(
        target: "latchkey::access",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = round_to_hundredths(started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    Ok(response)
}

/// Hundredths of a millisecond are as fine as a request's timing means
/// anything; more digits are float noise that people then have to read.
fn round_to_hundredths(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// The CSP of a page whose form's answer redirects on to `origin` (an
/// application's redirect URI): browsers hold every redirect after a form
/// post to `form-action`, so the application's origin must be named.
/// `origin` comes from a registered, parsed URI.
pub fn csp_with_form_target(origin: &str) -> HeaderValue {
    let policy = CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {origin}"),
    );
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static(CSP))
}

/// The CSP of a page that runs latchkey's own script (`static/passkey.js`,
/// which fetches JSON from this site), with its form target if it has one.
pub fn csp_with_script(form_target: Option<&str>) -> HeaderValue {
    let mut policy = CSP.replace(
        "default-src 'none';",
        "default-src 'none'; script-src 'self'; connect-src 'self';",
    );
    if let Some(origin) = form_target {
        policy = policy.replace(
            "form-action 'self'",
            &format!("form-action 'self' {origin}"),
        );
    }
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static(CSP))
}

/// Headers every response carries.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let is_static = req.path().starts_with("/static/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Not `no-referrer`: under it browsers send `Origin: null` on our own
    // form posts, which the CSRF origin check must refuse. `same-origin`
    // still tells other sites nothing.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // A page may have set its own, wider `form-action` (see above).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    // Handlers that mean to be cached (static files, the JWK set) say so;
    // everything else holds tokens or per-user data.
    if is_static {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=604800"),
        );
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Middleware: times every request and counts it under its route pattern.
/// The pattern is known only after routing, so it is read from the response.
pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await?;
    if let Some(state) = state {
        let route = response.request().match_pattern();
        state.metrics.observe_request(
            route.as_deref(),
            response.status().as_u16(),
            started.elapsed(),
        );
    }
    Ok(response)
}
