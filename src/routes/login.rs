//! The browser's way in and out: `GET /login`, `POST /login`, `POST /logout`.

use actix_web::cookie::Cookie;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::authorize;
use super::end_session;
use super::form::Form;
use super::html::{self, Field, InError, LoginPage};
use super::next_path::safe_next;
use crate::auth::refresh::RefreshToken;
use crate::auth::{account_key, authenticate, device};
use crate::auth::{second_factor, session};
use crate::db::sessions::Device;
use crate::db::{self, users, users::User};
use crate::error::ApiError;
use crate::http::client_address::{client_address, device_of};
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::extract::Caller;
use crate::http::language;
use crate::http::middleware::{csp_with_form_target, csp_with_script};
use crate::i18n::{Lang, Msg, msg};
use crate::state::AppState;

/// The `403` for a form that failed [`csrf::check`].
pub fn forged(t: Lang, why: &csrf::Forged, path: &'static str) -> HttpResponse {
    tracing::info!(event = "csrf_rejected", path, reason = %why, "form refused as forged");
    html::message(
        t,
        StatusCode::FORBIDDEN,
        msg("form-expired-title"),
        msg("form-expired-text"),
    )
}

/// `GET /login?next=/path`
pub async fn page(
    req: HttpRequest,
    caller: Result<Caller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let query = Form::parse(req.query_string().as_bytes()).unwrap_or_default();
    let next = safe_next(&state.settings, query.get("next"));
    // Signed in already: on to where the person was going. `prompt=login`
    // (from /authorize) asks for the password again, so it gets the form.
    if caller.is_ok() && query.get("prompt") != Some("login") {
        return html::see_other(&next).finish();
    }
    if query.get("session_ended").is_some() {
        let notice = Some(msg("login-session-ended"));
        return login_form(&req, &state, StatusCode::OK, notice, None, "", &next).await;
    }
    let notice = match (query.get("signed_out"), query.get("password_set")) {
        (Some(_), _) => Some(msg("login-signed-out")),
        (None, Some(_)) => Some(msg("login-password-set")),
        (None, None) => None,
    };
    // An application's `login_hint`, carried here by /authorize.
    let email = query.get("login_hint").unwrap_or("");
    login_form(&req, &state, StatusCode::OK, notice, None, email, &next).await
}

async fn login_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    notice: Option<Msg>,
    error: Option<(&str, InError)>,
    email: &str,
    next: &str,
) -> HttpResponse {
    let t = language::of(req);
    let jar = BrowserCookies::new(&state.settings);
    let (mut builder, csrf_token) = html::with_csrf(req, jar, status);
    let form_target = authorize::form_target_of(state, next).await;
    let passkeys = state.passkeys.is_some();
    if passkeys {
        builder.insert_header((
            header::CONTENT_SECURITY_POLICY,
            csp_with_script(form_target.as_deref()),
        ));
    } else if let Some(origin) = form_target {
        builder.insert_header((
            header::CONTENT_SECURITY_POLICY,
            csp_with_form_target(&origin),
        ));
    }
    let notice = notice.map(|notice| t.tr(notice.id()));
    let page = LoginPage {
        t,
        notice: notice.as_deref(),
        error: error.map(|(text, _)| text),
        in_error: error.map_or(InError::NONE, |(_, field)| field),
        email,
        csrf_token: &csrf_token,
        next,
        passkeys,
    };
    html::render(builder, &page)
}

/// `POST /login`: the same authentication as `POST /token`.
#[tracing::instrument(skip_all, fields(via = "form"))]
pub async fn submit(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(e) => return unreadable_form(t, &e),
    };
    let form = LoginForm::from(form);
    let jar = BrowserCookies::new(&state.settings);
    if let Err(why) = csrf::check(&state.settings, &req, form.csrf_token.as_deref()) {
        return forged(t, &why, "/login");
    }
    let next = safe_next(&state.settings, form.next.as_deref());
    let (email, password) = (form.username.as_str(), form.password.as_str());
    // Nothing to check, so nothing to hash or count against anyone.
    if email.trim().is_empty() || password.is_empty() {
        return login_form(
            &req,
            &state,
            StatusCode::BAD_REQUEST,
            None,
            Some((&t.tr("login-empty-fields"), first_empty(email))),
            email,
            &next,
        )
        .await;
    }
    let client = client_address(&req, &state.settings.trusted_proxies);
    let device_cookie = jar.read(&req, jar.device_name());
    // A password changed during the check fails in sign_in, as a wrong one.
    let signed_in =
        match authenticate(&state, client, email, password, device_cookie.as_deref()).await {
            Ok(user) => password_accepted(&req, &state, jar, &user, &next)
                .await
                .map(|response| (user, response)),
            Err(e) => Err(e.into()),
        };
    match signed_in {
        Ok((user, mut response)) => {
            tracing::info!(event = "login_succeeded", via = "form", client = %client, user_id = user.id, "signed in");
            remember_device(&state, jar, &user, device_cookie, &mut response).await;
            response
        }
        Err(ApiError::InvalidCredentials) => {
            tracing::info!(event = "login_failed", via = "form", client = %client, "sign-in refused");
            // A refused password is the field to retype (the email stays
            // filled in); "no account yet" is about the server, not the form.
            let (message, in_error) = if no_account_yet(&state).await {
                (t.tr("login-no-account-yet"), InError::NONE)
            } else {
                (
                    t.tr("login-wrong-credentials"),
                    InError::field(Field::Password),
                )
            };
            login_form(
                &req,
                &state,
                StatusCode::UNAUTHORIZED,
                None,
                Some((&message, in_error)),
                email,
                &next,
            )
            .await
        }
        Err(ApiError::Throttled { retry_after }) => {
            let wait = html::try_again_in(t, retry_after);
            let mut response = login_form(
                &req,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                Some((&wait, InError::NONE)),
                email,
                &next,
            )
            .await;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            response
        }
        Err(e) => error_page(t, e),
    }
}

/// The first of the two sign-in fields left empty.
fn first_empty(email: &str) -> InError {
    InError::field(if email.trim().is_empty() {
        Field::Email
    } else {
        Field::Password
    })
}

/// Whether the server started without users and still has none: then no
/// password can be right, and saying so reveals no account. Asked only of
/// a server that started empty, so others pay no query for it.
async fn no_account_yet(state: &AppState) -> bool {
    if state.setup_token.is_none() {
        return false;
    }
    matches!(
        db::run_not_changing_sessions(&state.pool, users::count).await,
        Ok(0)
    )
}

/// The body of `POST /login`; a missing email or password is empty.
struct LoginForm {
    csrf_token: Option<String>,
    next: Option<String>,
    username: String,
    password: String,
}

impl From<Form> for LoginForm {
    fn from(mut form: Form) -> Self {
        Self {
            csrf_token: form.take("csrf_token"),
            next: form.take("next"),
            username: form.take("username").unwrap_or_default(),
            password: form.take("password").unwrap_or_default(),
        }
    }
}

/// Gives the browser a device cookie for `user`'s account unless it holds
/// a live one. Best effort: the person is signed in either way.
pub(super) async fn remember_device(
    state: &AppState,
    jar: BrowserCookies<'_>,
    user: &User,
    presented: Option<String>,
    response: &mut HttpResponse,
) {
    let presented = presented.as_deref().and_then(device::cookie_hash);
    match device::remember(state, account_key(&user.email), presented).await {
        Ok(Some(value)) => {
            let cookie = jar.build(jar.device_name(), value, device::LIFETIME_SECONDS);
            if let Err(e) = response.add_cookie(&cookie) {
                tracing::warn!(error = %e, "could not set the device cookie");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not remember the device"),
    }
}

/// After the right password: the session, or first the second factor
/// (the password step alone never yields a session then).
async fn password_accepted(
    req: &HttpRequest,
    state: &AppState,
    jar: BrowserCookies<'_>,
    user: &User,
    next: &str,
) -> Result<HttpResponse, ApiError> {
    if second_factor::required(state, user.id).await? {
        let token = second_factor::open_challenge(state, user, next).await?;
        let cookie = jar.build(
            jar.second_factor_name(),
            token,
            second_factor::CHALLENGE_SECONDS,
        );
        tracing::info!(
            event = "second_factor_asked",
            user_id = user.id,
            "password accepted; second factor next"
        );
        return Ok(html::see_other("/login/second-factor")
            .cookie(cookie)
            .finish());
    }
    let device = device_of(req, &state.settings.trusted_proxies);
    sign_in(state, jar, user, next, device, "pwd").await
}

/// Opens a session and answers with its cookies and a redirect to `next`.
pub async fn sign_in(
    state: &AppState,
    jar: BrowserCookies<'_>,
    user: &User,
    next: &str,
    device: Device,
    amr: &str,
) -> Result<HttpResponse, ApiError> {
    let mut response = html::see_other(next);
    for cookie in session_cookies(state, jar, user, device, amr).await? {
        response.cookie(cookie);
    }
    Ok(response.finish())
}

/// Opens a session; returns the cookies that carry it.
pub async fn session_cookies(
    state: &AppState,
    jar: BrowserCookies<'_>,
    user: &User,
    device: Device,
    amr: &str,
) -> Result<Vec<Cookie<'static>>, ApiError> {
    let scopes = user.scope_list();
    let (session_id, refresh) = session::open(state, user, &scopes, None, device, amr).await?;
    let access = state
        .signer
        .issue(&user.email, &scopes, Some(session_id))
        .map_err(ApiError::internal)?;
    let session_seconds = state.settings.refresh_ttl.as_secs() as i64;
    Ok(jar
        .session(access.token, refresh.expose().to_owned(), session_seconds)
        .into_iter()
        .collect())
}

/// `POST /logout`: ends the session server-side (so its cookie is refused
/// by every instance), clears the cookies, back to the sign-in page, or to
/// the application that asked (RP-initiated logout, see `end_session`).
pub async fn logout(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut form = Form::read(&req, payload).await.unwrap_or_default();
    if let Err(why) = csrf::check(&state.settings, &req, form.get("csrf_token")) {
        return forged(t, &why, "/logout");
    }
    let back = match end_session::read_return(&state, &mut form, None).await {
        Ok(back) => back,
        Err(refused) => return end_session::refused(t, refused.0),
    };
    end_browser_session(&req, &state, &back).await
}

/// Ends the browser's session and clears its cookies, then on to `back`.
pub async fn end_browser_session(
    req: &HttpRequest,
    state: &AppState,
    back: &end_session::Return,
) -> HttpResponse {
    let jar = BrowserCookies::new(&state.settings);
    let refresh = jar
        .read(req, jar.refresh_name())
        .and_then(|t| RefreshToken::parse(&t));
    let access_session = jar
        .read(req, jar.session_name())
        .and_then(|t| state.signer.verify(&t).ok())
        .and_then(|claims| claims.session_id());
    let ended = session::end(state, refresh, access_session, None).await;
    match ended {
        Ok(session_id) => tracing::info!(
            event = "logout",
            session_id,
            client_id = back.client_id.as_deref(),
            "signed out"
        ),
        Err(e) => return error_page(language::of(req), e.into()),
    }
    let mut response = html::see_other(&back.target());
    for cookie in jar.cleared() {
        response.cookie(cookie);
    }
    response.finish()
}

/// The page for an error that is not the person's fault.
pub fn error_page(t: Lang, error: ApiError) -> HttpResponse {
    match error {
        ApiError::HashingSaturated => html::busy(t, 1),
        ApiError::Database(e) => {
            tracing::error!(error = %e, "database unavailable");
            html::busy(t, 1)
        }
        other => {
            tracing::error!(error = %other, "request failed");
            html::message(
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                msg("error-title"),
                msg("error-text"),
            )
        }
    }
}

/// The page for a form that could not be read: too large, or malformed.
pub fn unreadable_form(t: Lang, error: &ApiError) -> HttpResponse {
    match error {
        ApiError::PayloadTooLarge => html::message(
            t,
            StatusCode::PAYLOAD_TOO_LARGE,
            msg("too-much-data-title"),
            msg("too-much-data-text"),
        ),
        _ => html::message(
            t,
            StatusCode::BAD_REQUEST,
            msg("bad-request-title"),
            msg("bad-form-text"),
        ),
    }
}
