//! The language of a request's page: chosen from `Accept-Language`, with
//! `LATCHKEY_DEFAULT_LANGUAGE` when it names none we speak. Every HTML
//! answer says which it is (`Content-Language`) and that it depends on
//! the header (`Vary`), so caches keep the languages apart.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};

use crate::i18n::{self, Lang};
use crate::state::AppState;

/// The language to answer `req` in.
pub fn of(req: &HttpRequest) -> Lang {
    let default = req
        .app_data::<web::Data<AppState>>()
        .map_or(Lang::En, |state| state.settings.default_language);
    let header = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    i18n::choose(header, default)
}

/// Middleware: `Content-Language` and `Vary: Accept-Language` on every
/// HTML answer (JSON answers stay English whatever the header says).
pub async fn content_language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    // Only pages have a language: JSON answers (`/users/me`) skip the
    // header parsing.
    if is_html {
        let lang = of(response.request());
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.tag()),
        );
        headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
    }
    Ok(response)
}
