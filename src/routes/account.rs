//! `GET /`: the account page of a signed-in person.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::html::{self, AccountPage};
use super::login::error_page;
use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::http::cookies::BrowserCookies;
use crate::http::extract::Caller;
use crate::state::AppState;

pub async fn page(
    req: HttpRequest,
    caller: Result<Caller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let jar = BrowserCookies::new(&state.settings);
    let caller = match caller {
        Ok(caller) => caller,
        Err(ApiError::MissingToken | ApiError::InvalidToken(_)) => {
            let stale = jar.read(&req, jar.session_name()).is_some()
                || jar.read(&req, jar.refresh_name()).is_some();
            // Cookies that no longer open anything: the session was ended
            // (`user passwd`, a sign-out elsewhere), and the person should
            // be told rather than shown a bare form.
            let mut response = html::see_other(if stale {
                "/login?next=/&session_ended=1"
            } else {
                "/login?next=/"
            });
            // Stale cookies would only be presented again.
            if stale {
                for cookie in jar.cleared() {
                    response.cookie(cookie);
                }
            }
            return response.finish();
        }
        Err(e) => return error_page(e),
    };
    let (builder, csrf_token) = html::with_csrf(&req, jar, StatusCode::OK);
    let session_ends = caller.session_ends;
    let page = AccountPage {
        email: &caller.user.email,
        scopes: caller.scopes().map(str::to_owned).collect(),
        session_ends: rfc3339(session_ends),
        session_ends_text: readable_time(session_ends),
        csrf_token: &csrf_token,
    };
    html::render(builder, &page)
}

/// `2026-12-09 22:38 UTC`: the RFC 3339 form without seconds, for people.
fn readable_time(unix: i64) -> String {
    let full = rfc3339(unix);
    match (full.get(..10), full.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => full,
    }
}
