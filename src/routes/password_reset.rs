//! "Forgot password?" and the mailed link that chooses a password:
//! `GET|POST /password/forgot`, `GET|POST /password/reset`.
//!
//! The forgot form answers the same, at once, whether or not the address
//! has an account: the lookup and the mail happen afterwards, off the
//! response. The link's token travels in the query once (the mail's link)
//! and then only in the form's body.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form::Form;
use super::html::{self, Field, InError};
use super::login::{error_page, forged, unreadable_form};
use crate::auth::credentials::{Email, Password};
use crate::auth::password_link::{self, LinkToken};
use crate::db;
use crate::error::ApiError;
use crate::http::client_address::client_address;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::language;
use crate::i18n::Lang;
use crate::mail::{self, Notice};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage<'a> {
    t: Lang,
    mail_on: bool,
    notice: Option<&'a str>,
    error: Option<&'a str>,
    in_error: InError,
    email: &'a str,
    csrf_token: &'a str,
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage<'a> {
    t: Lang,
    email: &'a str,
    token: &'a str,
    error: Option<&'a str>,
    in_error: InError,
    csrf_token: &'a str,
    min_length: usize,
}

/// `GET /password/forgot`
pub async fn forgot_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    forgot_form(&req, &state, StatusCode::OK, None, None, "")
}

/// `POST /password/forgot`: queues a link for an existing account, in the
/// background; the answer does not depend on the account.
pub async fn forgot_submit(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(e) => return unreadable_form(t, &e),
    };
    if let Err(why) = csrf::check(&state.settings, &req, form.get("csrf_token")) {
        return forged(t, &why, "/password/forgot");
    }
    let Some(mailer) = state.mail.clone() else {
        return forgot_form(
            &req,
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            None,
            "",
        );
    };
    let typed = form.take("email").unwrap_or_default();
    let Ok(email) = Email::parse(&typed) else {
        let error = t.tr("form-email-invalid");
        let error = Some((error.as_str(), InError::field(Field::Email)));
        return forgot_form(&req, &state, StatusCode::BAD_REQUEST, None, error, &typed);
    };
    let client = client_address(&req, &state.settings.trusted_proxies);
    if let Some(limits) = &state.reset_limits {
        if let Err(wait) = limits.admit(client) {
            tracing::info!(event = "password_reset_throttled", client = %client, "too many reset requests from this address");
            let retry_after = wait.as_secs().max(1);
            let text = t.tr1("forgot-too-many", "wait", html::duration(t, retry_after));
            let mut response = forgot_form(
                &req,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                Some((&text, InError::NONE)),
                email.as_str(),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            return response;
        }
        // Every request counts against the address's allowance.
        limits.record_failure(client);
    }
    tracing::info!(event = "password_reset_requested", client = %client, "password reset asked for");
    let pool = state.pool.clone();
    tokio::spawn(async move {
        let outbox = mailer.outbox.clone();
        let email = email.as_str().to_owned();
        let queued = db::run(&pool, move |conn| {
            Ok(password_link::request_reset(conn, &outbox, &email, t))
        })
        .await;
        match queued {
            Ok(Ok(true)) => {
                tracing::info!(event = "password_reset_mail_queued", "reset link queued");
                mailer.ring();
            }
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "could not queue a reset mail"),
            Err(e) => tracing::warn!(error = %e, "could not queue a reset mail"),
        }
    });
    let sent = t.tr1("forgot-sent", "count", password_link::RESET_MINUTES);
    forgot_form(&req, &state, StatusCode::OK, Some(&sent), None, "")
}

/// `GET /password/reset?token=...`: the form, if the link is live. Looking
/// does not spend it (mail scanners follow links).
pub async fn reset_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let t = language::of(&req);
    let query = Form::parse(req.query_string().as_bytes()).unwrap_or_default();
    let Some(token) = query.get("token").and_then(LinkToken::parse) else {
        return dead_link(&req, &state);
    };
    match holder_of(&state, &token).await {
        Ok(Some(email)) => reset_form(&req, &state, StatusCode::OK, &email, &token, None),
        Ok(None) => dead_link(&req, &state),
        Err(e) => error_page(t, e),
    }
}

/// `POST /password/reset`: spends the link and sets the password; on to
/// the sign-in page, where a second factor is still asked.
pub async fn reset_submit(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(e) => return unreadable_form(t, &e),
    };
    if let Err(why) = csrf::check(&state.settings, &req, form.get("csrf_token")) {
        return forged(t, &why, "/password/reset");
    }
    let Some(token) = form.get("token").and_then(LinkToken::parse) else {
        return dead_link(&req, &state);
    };
    let email = match holder_of(&state, &token).await {
        Ok(Some(email)) => email,
        Ok(None) => return dead_link(&req, &state),
        Err(e) => return error_page(t, e),
    };
    let new = form.take("new_password").unwrap_or_default();
    let confirm = form.take("new_password_confirm").unwrap_or_default();
    let refuse = |message: &str, field: Field| {
        reset_form(
            &req,
            &state,
            StatusCode::BAD_REQUEST,
            &email,
            &token,
            Some((message, InError::field(field))),
        )
    };
    if new != confirm {
        return refuse(&t.tr("form-passwords-differ"), Field::BothNewPasswords);
    }
    let password = match Password::new_checked(&new, state.settings.password_min_length) {
        Ok(password) => password,
        Err(e) => return refuse(&html::password_problem(t, &e), Field::NewPassword),
    };
    let hash = match state.hasher.hash(password).await {
        Ok(hash) => hash,
        Err(crate::auth::hasher::HasherError::Saturated(_)) => return html::busy(t, 1),
        Err(e) => return error_page(t, ApiError::internal(e)),
    };
    let spent = token.clone();
    let set = db::run(&state.pool, move |conn| {
        password_link::set_password(conn, &spent, &hash)
    })
    .await;
    match set {
        Ok(Some((user, sessions_ended))) => {
            tracing::info!(
                event = "password_changed",
                via = "mailed_link",
                user_id = user.id,
                sessions_ended,
                "password set through a mailed link"
            );
            mail::notify(&state, &user.email, Notice::PasswordChanged, t);
            // The throttle the database no longer holds must not linger in
            // this instance's memory either (others forget within 10 s).
            state
                .throttled_accounts
                .forget(&crate::auth::account_key(&user.email));
            html::see_other("/login?password_set").finish()
        }
        // Spent by a concurrent submission, or expired meanwhile.
        Ok(None) => dead_link(&req, &state),
        Err(e) => error_page(t, e.into()),
    }
}

/// The email of the user a live link belongs to.
async fn holder_of(state: &AppState, token: &LinkToken) -> Result<Option<String>, ApiError> {
    let token = token.clone();
    let user = db::run(&state.pool, move |conn| password_link::holder(conn, &token)).await?;
    Ok(user.map(|u| u.email))
}

fn forgot_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<(&str, InError)>,
    email: &str,
) -> HttpResponse {
    let t = language::of(req);
    let jar = BrowserCookies::new(&state.settings);
    let (builder, csrf_token) = html::with_csrf(req, jar, status);
    let page = ForgotPage {
        t,
        mail_on: state.mail.is_some(),
        notice,
        error: error.map(|(text, _)| text),
        in_error: error.map_or(InError::NONE, |(_, field)| field),
        email,
        csrf_token: &csrf_token,
    };
    html::render(builder, &page)
}

/// `410 Gone`: the forgot form, saying the link is dead.
fn dead_link(req: &HttpRequest, state: &AppState) -> HttpResponse {
    let t = language::of(req);
    let error = t.tr("reset-dead-link");
    let error = Some((error.as_str(), InError::NONE));
    forgot_form(req, state, StatusCode::GONE, None, error, "")
}

fn reset_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    email: &str,
    token: &LinkToken,
    error: Option<(&str, InError)>,
) -> HttpResponse {
    let t = language::of(req);
    let jar = BrowserCookies::new(&state.settings);
    let (builder, csrf_token) = html::with_csrf(req, jar, status);
    let page = ResetPage {
        t,
        email,
        token: token.expose(),
        error: error.map(|(text, _)| text),
        in_error: error.map_or(InError::NONE, |(_, field)| field),
        csrf_token: &csrf_token,
        min_length: state.settings.password_min_length,
    };
    html::render(builder, &page)
}
