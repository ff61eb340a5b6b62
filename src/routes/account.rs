//! The account page of a signed-in person (`GET /`) and what it lets them
//! do, one file each: change the password, see and end their sessions and
//! take back what they allowed applications, and the second factor. Every
//! form is CSRF-protected and every change is an audit event.

mod passkeys;
mod password;
mod sessions;
mod totp;

pub use passkeys::{finish_passkey, remove_passkey, start_passkey};
pub use password::change_password;
pub use sessions::{end_other_sessions, end_session, revoke_application};
pub use totp::{confirm_totp, disable_totp, start_totp};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::Form;
use super::html::{self, AccountPage, GrantLine, InError, PasskeyLine, SessionLine};
use super::login::{error_page, forged};
use super::user_agent;
use crate::auth::{AuthError, authenticate};
use crate::clock::rfc3339;
use crate::db::{self, clients, second_factor};
use crate::error::ApiError;
use crate::http::client_address::client_address;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::extract::{BrowserCaller, Caller};
use crate::http::language;
use crate::http::middleware::csp_with_script;
use crate::i18n::msg;
use crate::state::AppState;

/// `GET /`
pub async fn page(
    req: HttpRequest,
    caller: Result<Caller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let caller = match signed_in(&req, &state, caller) {
        Ok(caller) => caller,
        Err(answer) => return *answer,
    };
    let query = Form::parse(req.query_string().as_bytes()).unwrap_or_default();
    let notice = match query.get("done") {
        Some("password") => Some(msg("account-done-password")),
        Some("session") => Some(msg("account-done-session")),
        Some("others") => Some(msg("account-done-others")),
        Some("application") => Some(msg("account-done-application")),
        Some("totp-off") => Some(msg("account-done-totp-off")),
        Some("passkey-added") => Some(msg("account-done-passkey-added")),
        Some("passkey-removed") => Some(msg("account-done-passkey-removed")),
        _ => None,
    };
    let notice = notice.map(|notice| t.tr(notice.id()));
    let notice = notice.as_deref();
    render(&req, &state, &caller, StatusCode::OK, notice, None).await
}

/// Who is signed in, or the answer for someone who is not.
fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    caller: Result<Caller, ApiError>,
) -> Result<Caller, Box<HttpResponse>> {
    let t = language::of(req);
    let jar = BrowserCookies::new(&state.settings);
    match caller {
        Ok(caller) => Ok(caller),
        Err(ApiError::MissingToken | ApiError::InvalidToken(_)) => {
            let stale = jar.read(req, jar.session_name()).is_some()
                || jar.read(req, jar.refresh_name()).is_some();
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
            Err(Box::new(response.finish()))
        }
        Err(e) => Err(Box::new(error_page(t, e))),
    }
}

pub(super) async fn render(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    notice: Option<&str>,
    password_error: Option<(&str, InError)>,
) -> HttpResponse {
    render_with(req, state, caller, status, notice, password_error, None).await
}

pub(super) async fn render_with(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    notice: Option<&str>,
    password_error: Option<(&str, InError)>,
    totp_error: Option<(&str, InError)>,
) -> HttpResponse {
    let t = language::of(req);
    let user_id = caller.user.id;
    let listed = db::run(&state.pool, move |conn| {
        let second_factor = match second_factor::is_enabled(conn, user_id)? {
            true => Some(second_factor::recovery_codes_left(conn, user_id)?),
            false => None,
        };
        Ok((
            db::sessions::live_for_user(conn, user_id)?,
            clients::grants_of_user(conn, user_id)?,
            second_factor,
            db::passkeys::of_user(conn, user_id)?,
        ))
    })
    .await;
    let (live, grants, second_factor, passkeys) = match listed {
        Ok(listed) => listed,
        Err(e) => return error_page(t, e.into()),
    };
    let current = caller.claims.session_id();
    let now = crate::clock::now_unix();
    let sessions = live
        .into_iter()
        .map(|(session, client_name)| SessionLine {
            id: session.id,
            name: match client_name {
                Some(app) => t.tr1("account-session-application", "name", app),
                None => user_agent::describe(t, session.user_agent.as_deref()),
            },
            address: session.address.clone().unwrap_or_default(),
            started: t.date_time(session.created_at),
            last_used: t.tr1(
                "account-last-used",
                "date",
                t.ago(session.last_used_at.unwrap_or(session.created_at), now),
            ),
            current: Some(session.id) == current,
        })
        .collect();
    let grants = grants
        .into_iter()
        .map(|grant| GrantLine {
            client_id: grant.client_id,
            name: grant.name,
            scopes: grant.scopes,
            granted: t.tr1("account-allowed-on", "date", t.date_time(grant.granted_at)),
        })
        .collect();
    let passkeys = state.passkeys.is_some().then(|| {
        passkeys
            .into_iter()
            .map(|p| PasskeyLine {
                created: t.date_time(p.created_at),
                last_used: match p.last_used_at {
                    Some(used) => t.tr1("account-last-used", "date", t.ago(used, now)),
                    None => t.tr("account-never-used"),
                },
                credential_id: p.credential_id,
                name: p.name,
            })
            .collect()
    });
    let jar = BrowserCookies::new(&state.settings);
    let (mut builder, csrf_token) = html::with_csrf(req, jar, status);
    if passkeys.is_some() {
        builder.insert_header((header::CONTENT_SECURITY_POLICY, csp_with_script(None)));
    }
    let session_ends = caller.session_ends;
    let page = AccountPage {
        t,
        email: &caller.user.email,
        scopes: caller.scopes().map(str::to_owned).collect(),
        session_ends: rfc3339(session_ends),
        session_ends_text: t.date_time(session_ends),
        csrf_token: &csrf_token,
        notice,
        password_error: password_error.map(|(text, _)| text),
        in_error: password_error
            .or(totp_error)
            .map_or(InError::NONE, |(_, field)| field),
        min_length: state.settings.password_min_length,
        sessions,
        grants,
        second_factor,
        totp_error: totp_error.map(|(text, _)| text),
        passkeys,
    };
    html::render(builder, &page)
}

/// A form on the account page, read and checked: its fields, or the
/// answer (forged, too large, not signed in).
pub(super) async fn account_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    caller: Result<BrowserCaller, ApiError>,
    path: &'static str,
) -> Result<(Form, Caller), Box<HttpResponse>> {
    let t = language::of(req);
    let form = match Form::read(req, payload).await {
        Ok(form) => form,
        Err(_) => {
            return Err(Box::new(html::message(
                t,
                StatusCode::BAD_REQUEST,
                msg("bad-request-title"),
                msg("bad-form-text"),
            )));
        }
    };
    if let Err(why) = csrf::check(&state.settings, req, form.get("csrf_token")) {
        return Err(Box::new(forged(t, &why, path)));
    }
    let caller = signed_in(req, state, caller.map(|BrowserCaller(c)| c))?;
    Ok((form, caller))
}

/// Why a password check on the account page did not pass.
pub(super) enum Refused {
    /// Shown on the page beside the form, with the field it is about.
    Page(StatusCode, String, InError),
    Error(ApiError),
}

/// Checks the person's own password as a sign-in attempt would: throttled
/// and counted alike, so no account form can be used to guess it. A wrong
/// password is about `field`, the form's password field (or none).
pub(super) async fn check_password(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    password: &str,
    field: InError,
) -> Result<(), Refused> {
    let t = language::of(req);
    let client = client_address(req, &state.settings.trusted_proxies);
    match authenticate(state, client, &caller.user.email, password, None).await {
        Ok(_) => Ok(()),
        Err(AuthError::InvalidCredentials) => {
            tracing::info!(
                event = "password_check_failed",
                user_id = caller.user.id,
                "wrong password on the account page"
            );
            Err(Refused::Page(
                StatusCode::UNAUTHORIZED,
                t.tr("account-password-wrong"),
                field,
            ))
        }
        Err(AuthError::Throttled { retry_after }) => Err(Refused::Page(
            StatusCode::TOO_MANY_REQUESTS,
            html::try_again_in(t, retry_after),
            InError::NONE,
        )),
        Err(e) => Err(Refused::Error(e.into())),
    }
}
