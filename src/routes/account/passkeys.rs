//! Passkeys on the account page: add one (`POST /account/passkeys/start`
//! and `/finish`, JSON from `static/passkey.js`), remove one (a form,
//! with the password, as turning the authenticator app off asks).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use webauthn_rs::prelude::RegisterPublicKeyCredential;

use super::{Refused, account_form, check_password, render_with};
use crate::auth::passkeys::{self, NAME_MAX_CHARS, PasskeyError};
use crate::db::{self, passkeys as store};
use crate::error::ApiError;
use crate::http::extract::{BrowserCaller, Caller};
use crate::http::language;
use crate::i18n::Lang;
use crate::routes::html::{self, InError};
use crate::routes::login::error_page;
use crate::routes::passkey_json::{self, error, go_to, refused};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Start {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
pub struct Finish {
    ceremony: String,
    credential: RegisterPublicKeyCredential,
}

/// The signed-in person, or the JSON answer for nobody.
fn caller_of(
    t: Lang,
    caller: Result<BrowserCaller, ApiError>,
) -> Result<Caller, Box<HttpResponse>> {
    caller.map(|BrowserCaller(c)| c).map_err(|_| {
        Box::new(error(
            StatusCode::UNAUTHORIZED,
            "signed_out",
            &t.tr("passkey-error-signed-out"),
        ))
    })
}

/// `POST /account/passkeys/start`: options for the browser to create a
/// passkey named as the person said.
pub async fn start_passkey(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let posted: Start =
        match passkey_json::read(&req, payload, &state, "/account/passkeys/start").await {
            Ok(posted) => posted,
            Err(answer) => return *answer,
        };
    let caller = match caller_of(t, caller) {
        Ok(caller) => caller,
        Err(answer) => return *answer,
    };
    let Some(name) = passkeys::parse_name(&posted.name) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_name",
            &t.tr1("passkey-error-name", "count", NAME_MAX_CHARS),
        );
    };
    match passkeys::start_registration(&state, &caller.user, name).await {
        Ok((ceremony, options)) => {
            HttpResponse::Ok().json(json!({"ceremony": ceremony, "options": options}))
        }
        Err(e) => refused(t, e),
    }
}

/// `POST /account/passkeys/finish`: the new passkey, stored.
pub async fn finish_passkey(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let posted: Finish =
        match passkey_json::read(&req, payload, &state, "/account/passkeys/finish").await {
            Ok(posted) => posted,
            Err(answer) => return *answer,
        };
    let caller = match caller_of(t, caller) {
        Ok(caller) => caller,
        Err(answer) => return *answer,
    };
    let user_id = caller.user.id;
    match passkeys::finish_registration(&state, &caller.user, &posted.ceremony, &posted.credential)
        .await
    {
        Ok(_) => {
            tracing::info!(
                event = "second_factor_added",
                via = "account",
                user_id,
                kind = "passkey",
                "passkey added"
            );
            crate::mail::notify(
                &state,
                &caller.user.email,
                crate::mail::Notice::SecondFactorAdded,
                t,
            );
            go_to(Vec::new(), "/?done=passkey-added")
        }
        Err(e @ (PasskeyError::Refused(_) | PasskeyError::Expired)) => {
            tracing::info!(user_id, error = %e, "passkey not added");
            refused(t, e)
        }
        Err(e) => refused(t, e),
    }
}

/// `POST /account/passkeys/remove`: the password and which passkey.
pub async fn remove_passkey(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (mut form, caller) =
        match account_form(&req, payload, &state, caller, "/account/passkeys/remove").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let password = form.take("password").unwrap_or_default();
    let credential_id = form.take("credential_id").unwrap_or_default();
    let refuse = async |status: StatusCode, message: &str| {
        // The error sits above the list of passkeys, not beside one.
        let error = Some((message, InError::NONE));
        render_with(&req, &state, &caller, status, None, None, error).await
    };
    if password.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            &t.tr("account-passkey-password-empty"),
        )
        .await;
    }
    match check_password(&req, &state, &caller, &password, InError::NONE).await {
        Ok(()) => {}
        Err(Refused::Page(status, message, _)) => return refuse(status, &message).await,
        Err(Refused::Error(e)) => return error_page(t, e),
    }
    let user_id = caller.user.id;
    let removed = db::run(&state.pool, move |conn| {
        store::remove(conn, user_id, &credential_id)
    })
    .await;
    match removed {
        Ok(true) => {
            tracing::info!(
                event = "second_factor_removed",
                via = "account",
                user_id,
                kind = "passkey",
                "passkey removed"
            );
            crate::mail::notify(
                &state,
                &caller.user.email,
                crate::mail::Notice::SecondFactorRemoved,
                t,
            );
            html::see_other("/?done=passkey-removed").finish()
        }
        Ok(false) => refuse(StatusCode::NOT_FOUND, &t.tr("account-passkey-unknown")).await,
        Err(e) => error_page(t, e.into()),
    }
}
