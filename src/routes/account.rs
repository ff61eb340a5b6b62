//! The account page of a signed-in person (`GET /`) and what it lets them
//! do: change the password, see and end their sessions, take back what
//! they allowed applications. Every form is CSRF-protected and every
//! change is an audit event.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::Form;
use super::html::{self, AccountPage, GrantLine, SessionLine};
use super::login::{error_page, forged};
use super::user_agent;
use crate::auth::credentials::Password;
use crate::auth::{AuthError, authenticate};
use crate::clock::rfc3339;
use crate::db::{self, clients, sessions, users};
use crate::error::ApiError;
use crate::http::client_address::client_address;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::extract::{BrowserCaller, Caller};
use crate::state::AppState;

/// `GET /`
pub async fn page(
    req: HttpRequest,
    caller: Result<Caller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let caller = match signed_in(&req, &state, caller) {
        Ok(caller) => caller,
        Err(answer) => return *answer,
    };
    let query = Form::parse(req.query_string().as_bytes()).unwrap_or_default();
    let notice = match query.get("done") {
        Some("password") => Some("Your password has been changed. Your other sessions have ended."),
        Some("session") => Some("That session has ended."),
        Some("others") => Some("You have been signed out everywhere else."),
        Some("application") => Some("The application no longer has access to your account."),
        _ => None,
    };
    render(&req, &state, &caller, StatusCode::OK, notice, None).await
}

/// Who is signed in, or the answer for someone who is not.
fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    caller: Result<Caller, ApiError>,
) -> Result<Caller, Box<HttpResponse>> {
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
        Err(e) => Err(Box::new(error_page(e))),
    }
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    notice: Option<&str>,
    password_error: Option<&str>,
) -> HttpResponse {
    let user_id = caller.user.id;
    let listed = db::run(&state.pool, move |conn| {
        Ok((
            sessions::live_for_user(conn, user_id)?,
            clients::grants_of_user(conn, user_id)?,
        ))
    })
    .await;
    let (live, grants) = match listed {
        Ok(listed) => listed,
        Err(e) => return error_page(e.into()),
    };
    let current = caller.claims.session_id();
    let sessions = live
        .into_iter()
        .map(|(session, client_name)| SessionLine {
            id: session.id,
            name: match client_name {
                Some(app) => format!("{app} (application)"),
                None => user_agent::describe(session.user_agent.as_deref()),
            },
            address: session.address.clone().unwrap_or_default(),
            started: readable_time(session.created_at),
            last_used: readable_time(session.last_used_at.unwrap_or(session.created_at)),
            current: Some(session.id) == current,
        })
        .collect();
    let grants = grants
        .into_iter()
        .map(|grant| GrantLine {
            client_id: grant.client_id,
            name: grant.name,
            scopes: grant.scopes,
            granted: readable_time(grant.granted_at),
        })
        .collect();
    let jar = BrowserCookies::new(&state.settings);
    let (builder, csrf_token) = html::with_csrf(req, jar, status);
    let session_ends = caller.session_ends;
    let page = AccountPage {
        email: &caller.user.email,
        scopes: caller.scopes().map(str::to_owned).collect(),
        session_ends: rfc3339(session_ends),
        session_ends_text: readable_time(session_ends),
        csrf_token: &csrf_token,
        notice,
        password_error,
        min_length: state.settings.password_min_length,
        sessions,
        grants,
    };
    html::render(builder, &page)
}

/// A form on the account page, read and checked: its fields, or the
/// answer (forged, too large, not signed in).
async fn account_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    caller: Result<BrowserCaller, ApiError>,
    path: &'static str,
) -> Result<(Form, Caller), Box<HttpResponse>> {
    let form = match Form::read(req, payload).await {
        Ok(form) => form,
        Err(_) => {
            return Err(Box::new(html::message(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "The form could not be read.",
            )));
        }
    };
    if let Err(why) = csrf::check(&state.settings, req, form.get("csrf_token")) {
        return Err(Box::new(forged(&why, path)));
    }
    let caller = signed_in(req, state, caller.map(|BrowserCaller(c)| c))?;
    Ok((form, caller))
}

/// `POST /account/password`: the current password, then the new one
/// twice. The check of the current one is a sign-in attempt (throttled
/// and counted alike), so this form cannot be used to guess it.
pub async fn change_password(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (mut form, caller) =
        match account_form(&req, payload, &state, caller, "/account/password").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let current = form.take("current_password").unwrap_or_default();
    let new = form.take("new_password").unwrap_or_default();
    let confirm = form.take("new_password_confirm").unwrap_or_default();
    let refuse = async |status: StatusCode, message: &str| {
        render(&req, &state, &caller, status, None, Some(message)).await
    };
    if current.is_empty() || new.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Enter your current password and a new one.",
        )
        .await;
    }
    if new != confirm {
        return refuse(StatusCode::BAD_REQUEST, "The two new passwords differ.").await;
    }
    let new = match Password::new_checked(&new, state.settings.password_min_length) {
        Ok(password) => password,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &sentence(&e.to_string())).await,
    };
    let client = client_address(&req, &state.settings.trusted_proxies);
    match authenticate(&state, client, &caller.user.email, &current, None).await {
        Ok(_) => {}
        Err(AuthError::InvalidCredentials) => {
            tracing::info!(
                event = "password_change_refused",
                user_id = caller.user.id,
                "wrong current password"
            );
            return refuse(
                StatusCode::UNAUTHORIZED,
                "Your current password is not right.",
            )
            .await;
        }
        Err(AuthError::Throttled { retry_after }) => {
            let wait = format!(
                "Too many failed attempts. Please try again in {}.",
                html::seconds(u32::try_from(retry_after).unwrap_or(u32::MAX))
            );
            return refuse(StatusCode::TOO_MANY_REQUESTS, &wait).await;
        }
        Err(e) => return error_page(e.into()),
    }
    let hash = match state.hasher.hash(new).await {
        Ok(hash) => hash,
        Err(crate::auth::hasher::HasherError::Saturated(_)) => return html::busy(1),
        Err(e) => return error_page(ApiError::internal(e)),
    };
    let (user_id, email) = (caller.user.id, caller.user.email.clone());
    let Some(keep) = caller.claims.session_id() else {
        return error_page(ApiError::internal("a browser session without an id"));
    };
    let changed = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            users::set_password_hash(conn, &email, &hash)?;
            sessions::revoke_all_for_user_except(conn, user_id, keep)
        })
    })
    .await;
    match changed {
        Ok(ended) => {
            tracing::info!(
                event = "password_changed",
                via = "account",
                user_id,
                sessions_ended = ended,
                "password changed by its owner"
            );
            html::see_other("/?done=password").finish()
        }
        Err(e) => error_page(e.into()),
    }
}

/// `POST /account/sessions/end`: one of the person's sessions.
pub async fn end_session(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (form, caller) =
        match account_form(&req, payload, &state, caller, "/account/sessions/end").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let Some(session_id) = form.get("session_id").and_then(|id| id.parse::<i64>().ok()) else {
        return html::message(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "No session was named.",
        );
    };
    let user_id = caller.user.id;
    let ended = db::run(&state.pool, move |conn| {
        sessions::revoke_of_user(conn, session_id, user_id)
    })
    .await;
    match ended {
        Ok(ended) => {
            if ended {
                tracing::info!(
                    event = "session_revoked",
                    via = "account",
                    user_id,
                    session_id,
                    "session ended by its owner"
                );
            }
            // Ending the current one is signing out.
            if Some(session_id) == caller.claims.session_id() {
                return html::see_other("/login?signed_out=1").finish();
            }
            html::see_other("/?done=session").finish()
        }
        Err(e) => error_page(e.into()),
    }
}

/// `POST /account/sessions/end-others`: everywhere but here.
pub async fn end_other_sessions(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (_, caller) = match account_form(
        &req,
        payload,
        &state,
        caller,
        "/account/sessions/end-others",
    )
    .await
    {
        Ok(read) => read,
        Err(answer) => return *answer,
    };
    let user_id = caller.user.id;
    let Some(keep) = caller.claims.session_id() else {
        return error_page(ApiError::internal("a browser session without an id"));
    };
    let ended = db::run(&state.pool, move |conn| {
        sessions::revoke_all_for_user_except(conn, user_id, keep)
    })
    .await;
    match ended {
        Ok(ended) => {
            tracing::info!(
                event = "sessions_revoked",
                via = "account",
                user_id,
                sessions_ended = ended,
                "signed out everywhere else"
            );
            html::see_other("/?done=others").finish()
        }
        Err(e) => error_page(e.into()),
    }
}

/// `POST /account/applications/revoke`: take back what an application
/// was allowed; its sessions of this person end.
pub async fn revoke_application(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (mut form, caller) = match account_form(
        &req,
        payload,
        &state,
        caller,
        "/account/applications/revoke",
    )
    .await
    {
        Ok(read) => read,
        Err(answer) => return *answer,
    };
    let Some(client_id) = form.take("client_id").filter(|c| !c.is_empty()) else {
        return html::message(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "No application was named.",
        );
    };
    let user_id = caller.user.id;
    let for_db = client_id.clone();
    let revoked = db::run(&state.pool, move |conn| {
        clients::revoke_grant(conn, user_id, &for_db)
    })
    .await;
    match revoked {
        Ok(revoked) => {
            if revoked {
                tracing::info!(event = "consent_revoked", via = "account", user_id, client_id = %client_id, "application access taken back");
            }
            html::see_other("/?done=application").finish()
        }
        Err(e) => error_page(e.into()),
    }
}

/// "must be at least 15 characters" → "Must be at least 15 characters."
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// `2026-12-09 22:38 UTC`: the RFC 3339 form without seconds, for people.
fn readable_time(unix: i64) -> String {
    let full = rfc3339(unix);
    match (full.get(..10), full.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => full,
    }
}
