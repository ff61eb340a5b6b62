//! `POST /token/introspect` (RFC 7662): a confidential client (a resource
//! server) asks whether a token is live. Anything not live, malformed or
//! unknown is `{"active": false}` and nothing more.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::client_auth::{Authenticated, Presented, UnknownId, authenticate};
use super::form::Form;
use crate::auth::jwt::Claims;
use crate::auth::refresh::RefreshToken;
use crate::auth::scopes::held_scopes;
use crate::clock::now_unix;
use crate::db::{self, clients, sessions};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, Default)]
struct Introspection {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
}

pub async fn introspect(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut form = Form::read(&req, payload).await?;
    let presented = Presented::read(&req, &mut form)?;
    let asker = match authenticate(&state, presented, UnknownId::Refuse).await? {
        Authenticated::Client(client) if !client.is_public() => client,
        _ => return Err(ApiError::InvalidClient),
    };
    let token = form
        .take("token")
        .ok_or_else(|| ApiError::InvalidRequest("token is required".into()))?;
    let answer = match RefreshToken::parse(&token) {
        Some(refresh) => refresh_token(&state, refresh).await?,
        None => match state.signer.verify(&token) {
            Ok(claims) => access_token(&state, claims).await?,
            Err(_) => Introspection::default(),
        },
    };
    tracing::info!(
        event = "token_introspected",
        client_id = %asker.id,
        active = answer.active,
        "token introspected"
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(answer))
}

/// A live refresh token: unused, unexpired, its session and user good.
async fn refresh_token(state: &AppState, token: RefreshToken) -> Result<Introspection, ApiError> {
    let hash = token.hash();
    let found = db::run(&state.pool, move |conn| sessions::find_token(conn, &hash)).await?;
    let now = now_unix();
    Ok(match found {
        Some((stored, session, user))
            if stored.used_at.is_none()
                && stored.expires_at > now
                && session.revoked_at.is_none()
                && session.expires_at > now
                && !user.disabled =>
        {
            Introspection {
                active: true,
                scope: Some(held_scopes(&session, &user).join(" ")),
                client_id: session.client_id,
                sub: Some(user.email),
                exp: Some(stored.expires_at),
                iss: Some(state.settings.issuer.clone()),
                token_type: Some("refresh_token"),
                ..Default::default()
            }
        }
        _ => Introspection::default(),
    })
}

/// A verified access token whose session (or, for a client's own token,
/// whose client) still exists.
async fn access_token(state: &AppState, claims: Claims) -> Result<Introspection, ApiError> {
    let live = match (claims.session_id(), claims.client_id.clone()) {
        (Some(session_id), _) => {
            let email = claims.sub.clone();
            let found = db::run(&state.pool, move |conn| {
                sessions::user_with_session(conn, &email, session_id)
            })
            .await?;
            matches!(found, Some((user, Some(_))) if !user.disabled)
        }
        // client_credentials: no session; it lives as long as its client.
        (None, Some(client_id)) if client_id == claims.sub => {
            db::run(&state.pool, move |conn| clients::find(conn, &client_id))
                .await?
                .is_some()
        }
        (None, _) => false,
    };
    if !live {
        return Ok(Introspection::default());
    }
    Ok(Introspection {
        active: true,
        scope: Some(claims.scope),
        client_id: claims.client_id,
        sub: Some(claims.sub),
        exp: Some(claims.exp),
        iat: Some(claims.iat),
        iss: Some(claims.iss),
        aud: claims.aud,
        token_type: Some("Bearer"),
    })
}
