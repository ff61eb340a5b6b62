//! The second step of signing in (`GET|POST /login/second-factor`): the
//! browser holds a challenge from the right password; a code from the
//! authenticator app, or a recovery code, completes the sign-in.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::authorize;
use super::form::Form;
use super::html::{self, SecondFactorPage};
use super::login::{error_page, forged, sign_in};
use crate::auth::second_factor::{self, Accepted};
use crate::auth::{AuthError, refresh::sha256_hex};
use crate::db;
use crate::error::ApiError;
use crate::http::client_address::device_of;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::language;
use crate::http::middleware::{csp_with_form_target, csp_with_script};
use crate::state::AppState;

/// `GET /login/second-factor`
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let t = language::of(&req);
    let jar = BrowserCookies::new(&state.settings);
    let Some(token) = jar.read(&req, jar.second_factor_name()) else {
        return html::see_other("/login").finish();
    };
    match second_factor::find_challenge(&state, &token).await {
        Ok(Some((challenge, user))) => {
            form(&req, &state, &challenge.next, user.id, StatusCode::OK, None).await
        }
        Ok(None) => expired(jar),
        Err(e) => error_page(t, e.into()),
    }
}

/// `POST /login/second-factor`
pub async fn submit(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut fields = Form::read(&req, payload).await.unwrap_or_default();
    if let Err(why) = csrf::check(&state.settings, &req, fields.get("csrf_token")) {
        return forged(t, &why, "/login/second-factor");
    }
    let jar = BrowserCookies::new(&state.settings);
    let Some(token) = jar.read(&req, jar.second_factor_name()) else {
        return html::see_other("/login").finish();
    };
    let (challenge, user) = match second_factor::find_challenge(&state, &token).await {
        Ok(Some(found)) => found,
        Ok(None) => return expired(jar),
        Err(e) => return error_page(t, e.into()),
    };
    let code = fields.take("code").unwrap_or_default();
    if code.trim().is_empty() {
        return form(
            &req,
            &state,
            &challenge.next,
            user.id,
            StatusCode::BAD_REQUEST,
            Some(&t.tr("second-factor-code-empty")),
        )
        .await;
    }
    match second_factor::check_code(&state, &user, &code).await {
        Ok(Some(how)) => {
            if let Err(e) =
                second_factor::close_challenge(&state, sha256_hex(token.as_bytes())).await
            {
                return error_page(t, e.into());
            }
            // RFC 8176: a recovery code is a one-time password too.
            let amr = "pwd otp";
            tracing::info!(
                event = "login_succeeded",
                via = "second_factor",
                user_id = user.id,
                recovery_code = (how == Accepted::RecoveryCode),
                "signed in with a second factor"
            );
            let device = device_of(&req, &state.settings.trusted_proxies);
            match sign_in(&state, jar, &user, &challenge.next, device, amr).await {
                Ok(mut response) => {
                    let cleared = jar.build(jar.second_factor_name(), String::new(), 0);
                    if let Err(e) = response.add_cookie(&cleared) {
                        tracing::warn!(error = %e, "could not clear the second-factor cookie");
                    }
                    response
                }
                Err(e) => error_page(t, e),
            }
        }
        Ok(None) => {
            tracing::info!(
                event = "login_failed",
                via = "second_factor",
                user_id = user.id,
                "wrong second-factor code"
            );
            form(
                &req,
                &state,
                &challenge.next,
                user.id,
                StatusCode::UNAUTHORIZED,
                Some(&t.tr("second-factor-code-wrong")),
            )
            .await
        }
        Err(AuthError::Throttled { retry_after }) => {
            let wait = html::try_again_in(t, retry_after);
            let status = StatusCode::TOO_MANY_REQUESTS;
            let next = &challenge.next;
            let mut response = form(&req, &state, next, user.id, status, Some(&wait)).await;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            response
        }
        Err(e) => error_page(t, ApiError::from(e)),
    }
}

/// The page, offering what `user_id` has: the code form for an
/// authenticator app, the passkey button (with its script) for a passkey.
/// `next` is where the sign-in goes on to, which the page's CSP must let
/// the form's answer redirect to.
async fn form(
    req: &HttpRequest,
    state: &AppState,
    next: &str,
    user_id: i64,
    status: StatusCode,
    error: Option<&str>,
) -> HttpResponse {
    let t = language::of(req);
    let has = db::run(&state.pool, move |conn| {
        Ok((
            db::second_factor::is_enabled(conn, user_id)?,
            db::passkeys::has_any(conn, user_id)?,
        ))
    })
    .await;
    let (totp, passkey) = match has {
        Ok(has) => has,
        Err(e) => return error_page(t, e.into()),
    };
    let passkey = passkey && state.passkeys.is_some();
    let jar = BrowserCookies::new(&state.settings);
    let (mut builder, csrf_token) = html::with_csrf(req, jar, status);
    let target = authorize::form_target_of(state, next).await;
    if passkey {
        let policy = csp_with_script(target.as_deref());
        builder.insert_header((header::CONTENT_SECURITY_POLICY, policy));
    } else if let Some(origin) = target {
        builder.insert_header((
            header::CONTENT_SECURITY_POLICY,
            csp_with_form_target(&origin),
        ));
    }
    html::render(
        builder,
        &SecondFactorPage {
            t,
            error,
            csrf_token: &csrf_token,
            totp,
            passkey,
        },
    )
}

/// The challenge ran out (or the password changed meanwhile): start over.
fn expired(jar: BrowserCookies<'_>) -> HttpResponse {
    let cleared = jar.build(jar.second_factor_name(), String::new(), 0);
    html::see_other("/login?second_factor_expired=1")
        .cookie(cleared)
        .finish()
}
