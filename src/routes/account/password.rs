//! `POST /account/password`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Refused, account_form, check_password, render};
use crate::auth::credentials::Password;
use crate::db::{self, sessions, users};
use crate::error::ApiError;
use crate::http::extract::BrowserCaller;
use crate::http::language;
use crate::routes::html::{self, Field, InError};
use crate::routes::login::error_page;
use crate::state::AppState;

/// `POST /account/password`: the current password, then the new one
/// twice. The check of the current one is a sign-in attempt (throttled
/// and counted alike), so this form cannot be used to guess it.
pub async fn change_password(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (mut form, caller) =
        match account_form(&req, payload, &state, caller, "/account/password").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let current = form.take("current_password").unwrap_or_default();
    let new = form.take("new_password").unwrap_or_default();
    let confirm = form.take("new_password_confirm").unwrap_or_default();
    let refuse = async |status: StatusCode, message: &str, field: InError| {
        render(&req, &state, &caller, status, None, Some((message, field))).await
    };
    let bad_request = StatusCode::BAD_REQUEST;
    if current.is_empty() || new.is_empty() {
        let empty = if current.is_empty() {
            Field::Password
        } else {
            Field::NewPassword
        };
        let message = t.tr("account-password-empty");
        return refuse(bad_request, &message, InError::field(empty)).await;
    }
    if new != confirm {
        let both = InError::field(Field::BothNewPasswords);
        return refuse(bad_request, &t.tr("form-passwords-differ"), both).await;
    }
    let new = match Password::new_checked(&new, state.settings.password_min_length) {
        Ok(password) => password,
        Err(e) => {
            let field = InError::field(Field::NewPassword);
            let problem = html::password_problem(t, &e);
            return refuse(bad_request, &problem, field).await;
        }
    };
    let field = InError::field(Field::Password);
    match check_password(&req, &state, &caller, &current, field).await {
        Ok(()) => {}
        Err(Refused::Page(status, message, field)) => {
            return refuse(status, &message, field).await;
        }
        Err(Refused::Error(e)) => return error_page(t, e),
    }
    let hash = match state.hasher.hash(new).await {
        Ok(hash) => hash,
        Err(crate::auth::hasher::HasherError::Saturated(_)) => return html::busy(t, 1),
        Err(e) => return error_page(t, ApiError::internal(e)),
    };
    let (user_id, email) = (caller.user.id, caller.user.email.clone());
    let Some(keep) = caller.claims.session_id() else {
        return error_page(t, ApiError::internal("a browser session without an id"));
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
            crate::mail::notify(
                &state,
                &caller.user.email,
                crate::mail::Notice::PasswordChanged,
                t,
            );
            html::see_other("/?done=password").finish()
        }
        Err(e) => error_page(t, e.into()),
    }
}
