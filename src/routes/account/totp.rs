//! The authenticator app (TOTP): set up, confirm, turn off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Refused, account_form, check_password, render_with};
use crate::auth::AuthError;
use crate::auth::totp;
use crate::db::{self, second_factor};
use crate::error::ApiError;
use crate::http::cookies::BrowserCookies;
use crate::http::extract::{BrowserCaller, Caller};
use crate::http::language;
use crate::routes::html::{self, Field, InError, RecoveryCodesPage, TotpSetupPage};
use crate::routes::login::error_page;
use crate::state::AppState;

/// `POST /account/totp/start`: a new key, shown with its QR code; the
/// second factor is on only once a code from it is confirmed.
pub async fn start_totp(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (_, caller) = match account_form(&req, payload, &state, caller, "/account/totp/start").await
    {
        Ok(read) => read,
        Err(answer) => return *answer,
    };
    let secret = totp::new_secret();
    let (user_id, stored) = (caller.user.id, secret.clone());
    match db::run(&state.pool, move |conn| {
        second_factor::start_totp(conn, user_id, &stored)
    })
    .await
    {
        Ok(true) => totp_setup_page(&req, &state, &caller, &secret, StatusCode::OK, None),
        Ok(false) => html::see_other("/").finish(),
        Err(e) => error_page(t, e.into()),
    }
}

fn totp_setup_page(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    secret: &str,
    status: StatusCode,
    error: Option<&str>,
) -> HttpResponse {
    let t = language::of(req);
    let uri = totp::otpauth_uri(secret, "latchkey", &caller.user.email);
    let Some(qr) = totp::qr_svg(&uri) else {
        return error_page(t, ApiError::internal("cannot draw the QR code"));
    };
    let jar = BrowserCookies::new(&state.settings);
    let (builder, csrf_token) = html::with_csrf(req, jar, status);
    html::render(
        builder,
        &TotpSetupPage {
            t,
            qr_svg: &qr,
            secret,
            otpauth_uri: &uri,
            error,
            csrf_token: &csrf_token,
        },
    )
}

/// `POST /account/totp/confirm`: one right code turns the second factor
/// on; the recovery codes are shown once.
pub async fn confirm_totp(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (mut form, caller) =
        match account_form(&req, payload, &state, caller, "/account/totp/confirm").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let user_id = caller.user.id;
    let pending = match db::run(&state.pool, move |conn| {
        second_factor::totp_of(conn, user_id)
    })
    .await
    {
        Ok(Some(totp)) if totp.enabled_at.is_none() => totp,
        Ok(_) => return html::see_other("/").finish(),
        Err(e) => return error_page(t, e.into()),
    };
    let code = form.take("code").unwrap_or_default();
    let Some(step) = totp::matching_step(&pending.secret, &code, crate::clock::now_unix(), 0)
    else {
        return totp_setup_page(
            &req,
            &state,
            &caller,
            &pending.secret,
            StatusCode::BAD_REQUEST,
            Some(&t.tr("totp-setup-code-wrong")),
        );
    };
    let codes = totp::new_recovery_codes();
    let hashes = crate::auth::second_factor::recovery_hashes(&codes);
    let enabled = db::run(&state.pool, move |conn| {
        second_factor::enable_totp(conn, user_id, step, &hashes)
    })
    .await;
    match enabled {
        Ok(true) => {
            tracing::info!(
                event = "second_factor_added",
                via = "account",
                user_id,
                kind = "totp",
                "authenticator app turned on"
            );
            crate::mail::notify(
                &state,
                &caller.user.email,
                crate::mail::Notice::SecondFactorAdded,
                t,
            );
            html::render(
                html::builder(StatusCode::OK),
                &RecoveryCodesPage { t, codes: &codes },
            )
        }
        Ok(false) => html::see_other("/").finish(),
        Err(e) => error_page(t, e.into()),
    }
}

/// `POST /account/totp/disable`: the password and a code (or a recovery
/// code) turn the second factor off.
pub async fn disable_totp(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (mut form, caller) =
        match account_form(&req, payload, &state, caller, "/account/totp/disable").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let password = form.take("password").unwrap_or_default();
    let code = form.take("code").unwrap_or_default();
    let refuse = async |status: StatusCode, message: &str, field: InError| {
        let error = Some((message, field));
        render_with(&req, &state, &caller, status, None, None, error).await
    };
    if password.is_empty() || code.trim().is_empty() {
        let empty = if password.is_empty() {
            Field::SecondFactorPassword
        } else {
            Field::SecondFactorCode
        };
        let field = InError::field(empty);
        let message = t.tr("account-totp-fields-empty");
        return refuse(StatusCode::BAD_REQUEST, &message, field).await;
    }
    let field = InError::field(Field::SecondFactorPassword);
    match check_password(&req, &state, &caller, &password, field).await {
        Ok(()) => {}
        Err(Refused::Page(status, message, field)) => {
            return refuse(status, &message, field).await;
        }
        Err(Refused::Error(e)) => return error_page(t, e),
    }
    match crate::auth::second_factor::check_code(&state, &caller.user, &code).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let field = InError::field(Field::SecondFactorCode);
            let message = t.tr("account-totp-code-wrong");
            return refuse(StatusCode::UNAUTHORIZED, &message, field).await;
        }
        Err(AuthError::Throttled { retry_after }) => {
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                &html::try_again_in(t, retry_after),
                InError::NONE,
            )
            .await;
        }
        Err(e) => return error_page(t, e.into()),
    }
    let user_id = caller.user.id;
    match db::run(&state.pool, move |conn| {
        second_factor::remove_all(conn, user_id)
    })
    .await
    {
        Ok(_) => {
            tracing::info!(
                event = "second_factor_removed",
                via = "account",
                user_id,
                "authenticator app turned off"
            );
            crate::mail::notify(
                &state,
                &caller.user.email,
                crate::mail::Notice::SecondFactorRemoved,
                t,
            );
            html::see_other("/?done=totp-off").finish()
        }
        Err(e) => error_page(t, e.into()),
    }
}
