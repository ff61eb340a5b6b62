//! Signing in with a passkey, driven by `static/passkey.js`: alone from
//! the login page (`POST /login/passkey/{start,finish}`), or as the second
//! factor after a password (`POST /login/second-factor/passkey/{start,
//! finish}`). A finish opens the session as a form sign-in does (same
//! cookies, device cookie, throttling, audit lines) and tells the script
//! where to go: `next`, which may be an `/authorize` request.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use webauthn_rs::prelude::PublicKeyCredential;

use super::login::{remember_device, session_cookies};
use super::next_path::safe_next;
use super::passkey_json::{self, go_to, refused};
use crate::auth::passkeys::{self, PasskeyError};
use crate::auth::refresh::sha256_hex;
use crate::auth::second_factor;
use crate::http::client_address::{client_address, device_of};
use crate::http::cookies::BrowserCookies;
use crate::http::language;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Start {}

#[derive(Deserialize)]
pub struct Finish {
    ceremony: String,
    credential: PublicKeyCredential,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login/passkey/start`: a challenge for any passkey of this site.
pub async fn start(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    if let Err(answer) =
        passkey_json::read::<Start>(&req, payload, &state, "/login/passkey/start").await
    {
        return *answer;
    }
    // Each start stores a row: count it as an attempt from the address.
    let client = client_address(&req, &state.settings.trusted_proxies);
    if let Some(limits) = &state.address_limits
        && let Err(wait) = limits.admit(client)
    {
        return refused(
            t,
            PasskeyError::Throttled {
                retry_after: wait.as_secs().max(1),
            },
        );
    }
    match passkeys::start_sign_in(&state).await {
        Ok((ceremony, options)) => {
            HttpResponse::Ok().json(json!({"ceremony": ceremony, "options": options}))
        }
        Err(e) => refused(t, e),
    }
}

/// `POST /login/passkey/finish`: signed in by the passkey alone.
#[tracing::instrument(skip_all, fields(via = "passkey"))]
pub async fn finish(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let posted: Finish =
        match passkey_json::read(&req, payload, &state, "/login/passkey/finish").await {
            Ok(posted) => posted,
            Err(answer) => return *answer,
        };
    let next = safe_next(&state.settings, posted.next.as_deref());
    let client = client_address(&req, &state.settings.trusted_proxies);
    let verified = match passkeys::finish_sign_in(
        &state,
        client,
        &posted.ceremony,
        &posted.credential,
    )
    .await
    {
        Ok(verified) => verified,
        Err(e) => {
            tracing::info!(event = "login_failed", via = "passkey", client = %client, "passkey sign-in refused");
            return refused(t, e);
        }
    };
    let user = &verified.user;
    let jar = BrowserCookies::new(&state.settings);
    let device = device_of(&req, &state.settings.trusted_proxies);
    let cookies = match session_cookies(&state, jar, user, device, verified.amr_alone()).await {
        Ok(cookies) => cookies,
        Err(e) => return refused(t, PasskeyError::Internal(e.to_string())),
    };
    tracing::info!(event = "login_succeeded", via = "passkey", client = %client, user_id = user.id, "signed in with a passkey");
    let mut response = go_to(cookies, &next);
    let presented = jar.read(&req, jar.device_name());
    remember_device(&state, jar, user, presented, &mut response).await;
    response
}

/// `POST /login/second-factor/passkey/start`: a challenge for the passkeys
/// of the person whose password was just accepted.
pub async fn second_factor_start(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let path = "/login/second-factor/passkey/start";
    if let Err(answer) = passkey_json::read::<Start>(&req, payload, &state, path).await {
        return *answer;
    }
    let (token, _, user) = match pending(&req, &state).await {
        Ok(found) => found,
        Err(e) => return refused(t, e),
    };
    match passkeys::start_second_factor(&state, &user, sha256_hex(token.as_bytes())).await {
        Ok((ceremony, options)) => {
            HttpResponse::Ok().json(json!({"ceremony": ceremony, "options": options}))
        }
        Err(e) => refused(t, e),
    }
}

/// `POST /login/second-factor/passkey/finish`: the password and the
/// passkey; the session's `amr` says both.
#[tracing::instrument(skip_all, fields(via = "second_factor"))]
pub async fn second_factor_finish(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let path = "/login/second-factor/passkey/finish";
    let posted: Finish = match passkey_json::read(&req, payload, &state, path).await {
        Ok(posted) => posted,
        Err(answer) => return *answer,
    };
    let (token, challenge, user) = match pending(&req, &state).await {
        Ok(found) => found,
        Err(e) => return refused(t, e),
    };
    let binding = sha256_hex(token.as_bytes());
    let verified = match passkeys::finish_second_factor(
        &state,
        &user,
        &binding,
        &posted.ceremony,
        &posted.credential,
    )
    .await
    {
        Ok(verified) => verified,
        Err(e) => {
            tracing::info!(
                event = "login_failed",
                via = "second_factor",
                user_id = user.id,
                "passkey refused as second factor"
            );
            return refused(t, e);
        }
    };
    if let Err(e) = second_factor::close_challenge(&state, binding).await {
        return refused(t, PasskeyError::Internal(e.to_string()));
    }
    let jar = BrowserCookies::new(&state.settings);
    let device = device_of(&req, &state.settings.trusted_proxies);
    let amr = verified.amr_after_password();
    let mut cookies = match session_cookies(&state, jar, &user, device, amr).await {
        Ok(cookies) => cookies,
        Err(e) => return refused(t, PasskeyError::Internal(e.to_string())),
    };
    cookies.push(jar.build(jar.second_factor_name(), String::new(), 0));
    tracing::info!(
        event = "login_succeeded",
        via = "second_factor",
        user_id = user.id,
        kind = "passkey",
        "signed in with a second factor"
    );
    go_to(cookies, &challenge.next)
}

/// The browser's open second-factor challenge: its token, the challenge
/// and the person.
async fn pending(
    req: &HttpRequest,
    state: &AppState,
) -> Result<
    (
        String,
        crate::db::second_factor::Challenge,
        crate::db::users::User,
    ),
    PasskeyError,
> {
    let jar = BrowserCookies::new(&state.settings);
    let token = jar
        .read(req, jar.second_factor_name())
        .ok_or(PasskeyError::Expired)?;
    match second_factor::find_challenge(state, &token).await {
        Ok(Some((challenge, user))) => Ok((token, challenge, user)),
        Ok(None) => Err(PasskeyError::Expired),
        Err(crate::auth::AuthError::Database(e)) => Err(PasskeyError::Database(e)),
        Err(e) => Err(PasskeyError::Internal(e.to_string())),
    }
}
