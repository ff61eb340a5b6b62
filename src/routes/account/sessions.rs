//! The person's sessions and the applications they allowed: ending one,
//! ending all others, taking an application's access back.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::account_form;
use crate::db::{self, clients, sessions};
use crate::error::ApiError;
use crate::http::extract::BrowserCaller;
use crate::http::language;
use crate::i18n::msg;
use crate::routes::html;
use crate::routes::login::error_page;
use crate::state::AppState;

/// `POST /account/sessions/end`: one of the person's sessions.
pub async fn end_session(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let (form, caller) =
        match account_form(&req, payload, &state, caller, "/account/sessions/end").await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
    let Some(session_id) = form.get("session_id").and_then(|id| id.parse::<i64>().ok()) else {
        return html::message(
            t,
            StatusCode::BAD_REQUEST,
            msg("bad-request-title"),
            msg("account-no-session-named"),
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
        Err(e) => error_page(t, e.into()),
    }
}

/// `POST /account/sessions/end-others`: everywhere but here.
pub async fn end_other_sessions(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
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
        return error_page(t, ApiError::internal("a browser session without an id"));
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
        Err(e) => error_page(t, e.into()),
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
    let t = language::of(&req);
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
            t,
            StatusCode::BAD_REQUEST,
            msg("bad-request-title"),
            msg("account-no-application-named"),
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
        Err(e) => error_page(t, e.into()),
    }
}
