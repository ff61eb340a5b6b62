//! `POST /token` (password, refresh, authorization-code and
//! client-credentials grants) and `POST /token/revoke`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::client_auth::{Authenticated, Presented, UnknownId, authenticate};
use super::form::Form;
use crate::auth::authorization::{self, Exchange};
use crate::auth::id_token;
use crate::auth::refresh::RefreshToken;
use crate::auth::scopes;
use crate::auth::second_factor;
use crate::auth::session;
use crate::auth::{AuthError, authenticate as authenticate_user};
use crate::config::JwtAlg;
use crate::db::sessions::Device;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::{self, clients::Client};
use crate::error::ApiError;
use crate::http::client_address::device_of;
use crate::state::AppState;

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

pub async fn token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut form = Form::read(&req, payload).await?;
    let presented = Presented::read(&req, &mut form)?;
    match Grant::try_from(form)? {
        Grant::Password(grant) => {
            if !state.settings.password_grant {
                return Err(ApiError::UnsupportedGrantType);
            }
            let client = authenticate(&state, presented, UnknownId::Ignore).await?;
            require_grant(&client, "password")?;
            let device = device_of(&req, &state.settings.trusted_proxies);
            password_grant(&state, device, grant, client.id()).await
        }
        Grant::Refresh(grant) => {
            let client = authenticate(&state, presented, UnknownId::Ignore).await?;
            require_grant(&client, "refresh_token")?;
            refresh_grant(&state, grant, &client).await
        }
        Grant::AuthorizationCode(grant) => {
            match authenticate(&state, presented, UnknownId::Refuse).await? {
                Authenticated::Client(client) => {
                    require_grant_of(&client, "authorization_code")?;
                    let device = device_of(&req, &state.settings.trusted_proxies);
                    code_grant(&state, grant, &client, device).await
                }
                Authenticated::BuiltIn => Err(ApiError::InvalidClient),
            }
        }
        Grant::ClientCredentials(grant) => {
            match authenticate(&state, presented, UnknownId::Refuse).await? {
                Authenticated::Client(client) if !client.is_public() => {
                    require_grant_of(&client, "client_credentials")?;
                    client_credentials_grant(&state, grant, &client)
                }
                _ => Err(ApiError::InvalidClient),
            }
        }
    }
}

/// A registered client may use only the grants it was registered for.
fn require_grant(client: &Authenticated, grant: &'static str) -> Result<(), ApiError> {
    match client {
        Authenticated::BuiltIn => Ok(()),
        Authenticated::Client(client) => require_grant_of(client, grant),
    }
}

fn require_grant_of(client: &Client, grant: &'static str) -> Result<(), ApiError> {
    if client.allows_grant(grant) {
        Ok(())
    } else {
        Err(ApiError::UnauthorizedClient(
            "This client is not registered for this grant type",
        ))
    }
}

/// The body of `POST /token`, by grant type.
enum Grant {
    Password(PasswordGrant),
    Refresh(RefreshGrant),
    AuthorizationCode(CodeGrant),
    ClientCredentials(ClientCredentialsGrant),
}

struct PasswordGrant {
    username: String,
    password: String,
    scope: Option<String>,
}

struct RefreshGrant {
    refresh_token: String,
    scope: Option<String>,
}

struct CodeGrant {
    code: String,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

struct ClientCredentialsGrant {
    scope: Option<String>,
}

impl TryFrom<Form> for Grant {
    type Error = ApiError;

    fn try_from(mut form: Form) -> Result<Self, ApiError> {
        let grant_type = form.take("grant_type").filter(|g| !g.is_empty());
        let scope = form.take("scope");
        // FastAPI's OAuth2PasswordRequestForm lets clients omit grant_type.
        match grant_type.as_deref().unwrap_or("password") {
            "password" => {
                let (Some(username), Some(password)) =
                    (form.take("username"), form.take("password"))
                else {
                    return Err(ApiError::InvalidRequest(
                        "username and password are required".into(),
                    ));
                };
                // Malformed, not wrong: answered before any throttling or hashing.
                if username.trim().is_empty() || password.is_empty() {
                    return Err(ApiError::InvalidRequest(
                        "username and password must not be empty".into(),
                    ));
                }
                Ok(Self::Password(PasswordGrant {
                    username,
                    password,
                    scope,
                }))
            }
            "refresh_token" => {
                let refresh_token = form
                    .take("refresh_token")
                    .ok_or_else(|| ApiError::InvalidRequest("refresh_token is required".into()))?;
                Ok(Self::Refresh(RefreshGrant {
                    refresh_token,
                    scope,
                }))
            }
            "authorization_code" => {
                let code = form
                    .take("code")
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| ApiError::InvalidRequest("code is required".into()))?;
                Ok(Self::AuthorizationCode(CodeGrant {
                    code,
                    redirect_uri: form.take("redirect_uri"),
                    code_verifier: form.take("code_verifier"),
                }))
            }
            "client_credentials" => Ok(Self::ClientCredentials(ClientCredentialsGrant { scope })),
            _ => Err(ApiError::UnsupportedGrantType),
        }
    }
}

#[tracing::instrument(skip_all, fields(grant = "password"))]
async fn password_grant(
    state: &AppState,
    device: Device,
    grant: PasswordGrant,
    client_id: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let client = device.address;
    let (username, password) = (&grant.username, &grant.password);
    let user = match authenticate_user(state, client, username, password, None).await {
        Ok(user) => user,
        Err(e) => {
            if matches!(e, AuthError::InvalidCredentials) {
                tracing::info!(event = "login_failed", via = "token", client = %client, "password grant refused");
            }
            return Err(e.into());
        }
    };
    if second_factor::required(state, user.id).await? {
        tracing::info!(
            event = "login_refused",
            via = "token",
            reason = "mfa_required",
            user_id = user.id,
            "password grant for an account with a second factor"
        );
        return Err(ApiError::MfaRequired);
    }
    let scopes = narrow_scopes(&user.scope_list(), grant.scope.as_deref())?;
    let (session, refresh) = session::open(state, &user, &scopes, client_id, device, "pwd").await?;
    tracing::info!(
        event = "login_succeeded",
        via = "token",
        client = %client,
        client_id,
        user_id = user.id,
        session_id = session,
        "password grant"
    );
    token_response(
        state,
        &user.email,
        &scopes,
        Some(session),
        Some(refresh),
        client_id,
    )
}

#[tracing::instrument(skip_all, fields(grant = "refresh_token"))]
async fn refresh_grant(
    state: &AppState,
    grant: RefreshGrant,
    client: &Authenticated,
) -> Result<HttpResponse, ApiError> {
    let presented = RefreshToken::parse(&grant.refresh_token).ok_or(ApiError::InvalidGrant)?;
    let client_id = client.id();
    let id_token_client = match client {
        Authenticated::Client(client) => IdTokenClient::of(client),
        Authenticated::BuiltIn => IdTokenClient::None,
    };
    let rotated = session::rotate(
        state,
        presented,
        grant.scope,
        client_id.map(str::to_owned),
        "token",
    )
    .await?
    .ok_or(ApiError::InvalidGrant)?;
    let (user, session, scopes) = (&rotated.user, &rotated.session, &rotated.scopes);
    token_response_with(
        state,
        &user.email,
        scopes,
        Some(session.id),
        Some(rotated.successor.clone()),
        client_id,
        |access| id_token_for(state, id_token_client, user, session, scopes, None, access),
    )
}

#[tracing::instrument(skip_all, fields(grant = "authorization_code", client_id = %client.id))]
async fn code_grant(
    state: &AppState,
    grant: CodeGrant,
    client: &Client,
    device: Device,
) -> Result<HttpResponse, ApiError> {
    let policy = session::refresh_policy(state);
    let client_id = client.id.clone();
    let exchanged = db::run(&state.pool, move |conn| {
        let presented = authorization::Presented {
            code: &grant.code,
            device: &device,
            client_id: &client_id,
            redirect_uri: grant.redirect_uri.as_deref(),
            code_verifier: grant.code_verifier.as_deref(),
        };
        authorization::exchange(conn, &presented, policy)
    })
    .await?;
    match exchanged {
        Exchange::Issued {
            session,
            refresh,
            user,
            scopes,
            nonce,
            ..
        } => {
            tracing::info!(
                event = "code_exchanged",
                user_id = user.id,
                session_id = session.id,
                "authorization code exchanged"
            );
            token_response_with(
                state,
                &user.email,
                &scopes,
                Some(session.id),
                Some(refresh),
                Some(&client.id),
                |access| {
                    let of = IdTokenClient::of(client);
                    id_token_for(state, of, &user, &session, &scopes, nonce, access)
                },
            )
        }
        Exchange::Refused(why) => {
            tracing::info!(
                event = "code_refused",
                reason = why,
                "authorization code refused"
            );
            Err(ApiError::InvalidCode(why))
        }
        Exchange::Replayed { revoked_session } => {
            tracing::warn!(
                event = "code_replayed",
                revoked_session,
                "an authorization code was presented again; what it issued is revoked"
            );
            Err(ApiError::InvalidCode(
                "The authorization code was already used",
            ))
        }
    }
}

/// An access token for the client itself: `sub` is its id, no session,
/// no refresh token (RFC 6749 §4.4.3).
#[tracing::instrument(skip_all, fields(grant = "client_credentials", client_id = %client.id))]
fn client_credentials_grant(
    state: &AppState,
    grant: ClientCredentialsGrant,
    client: &Client,
) -> Result<HttpResponse, ApiError> {
    let scopes = authorization::requested_scopes(client, grant.scope.as_deref())
        .map_err(ApiError::InvalidScope)?;
    tracing::info!(event = "client_token_issued", "client credentials grant");
    token_response(state, &client.id, &scopes, None, None, Some(&client.id))
}

fn token_response(
    state: &AppState,
    subject: &str,
    scopes: &[String],
    session_id: Option<i64>,
    refresh: Option<RefreshToken>,
    client_id: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let no_id_token = |_: &str| Ok(None);
    token_response_with(
        state,
        subject,
        scopes,
        session_id,
        refresh,
        client_id,
        no_id_token,
    )
}

/// The token response; `id_token` makes the id_token, if one is due,
/// from the new access token (whose hash it carries).
fn token_response_with(
    state: &AppState,
    subject: &str,
    scopes: &[String],
    session_id: Option<i64>,
    refresh: Option<RefreshToken>,
    client_id: Option<&str>,
    id_token: impl FnOnce(&str) -> Result<Option<String>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let access = state
        .signer
        .issue_to(subject, scopes, session_id, client_id)
        .map_err(ApiError::internal)?;
    let id_token = id_token(&access.token)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token: access.token,
            token_type: "bearer",
            expires_in: access.expires_in,
            refresh_token: refresh.map(|r| r.expose().to_owned()),
            scope: scopes.join(" "),
            id_token,
        }))
}

/// An id_token for an application's session, when `openid` was granted,
/// signed as the application registered (RS256 unless it asked EdDSA).
fn id_token_for(
    state: &AppState,
    client: IdTokenClient<'_>,
    user: &User,
    session: &Session,
    scopes: &[String],
    nonce: Option<String>,
    access_token: &str,
) -> Result<Option<String>, ApiError> {
    let IdTokenClient::Of { id: client_id, alg } = client else {
        return Ok(None);
    };
    if !scopes.iter().any(|s| s == "openid") {
        return Ok(None);
    }
    let alg = if alg == "EdDSA" {
        JwtAlg::EdDsa
    } else {
        JwtAlg::Rs256
    };
    let claims = id_token::claims(
        user,
        session,
        id_token::Issue {
            issuer: &state.settings.issuer,
            client_id,
            access_token,
            alg,
            scopes,
            nonce,
            lifetime_seconds: state.settings.access_ttl.as_secs() as i64,
        },
    );
    state
        .signer
        .sign_id_token(&claims, alg)
        .map(Some)
        .map_err(ApiError::internal)
}

/// Whose id_token it would be: an application's, with its algorithm.
#[derive(Clone, Copy)]
enum IdTokenClient<'a> {
    None,
    Of { id: &'a str, alg: &'a str },
}

impl<'a> IdTokenClient<'a> {
    fn of(client: &'a Client) -> Self {
        Self::Of {
            id: &client.id,
            alg: &client.id_token_alg,
        }
    }
}

fn narrow_scopes(held: &[String], requested: Option<&str>) -> Result<Vec<String>, ApiError> {
    scopes::narrow_scopes(held, requested).map_err(ApiError::InvalidScope)
}

/// RFC 7009: revokes the session of a refresh token (or of an access
/// token). Unknown and malformed tokens, and tokens of another client, get
/// the same 200 and are left alone.
pub async fn revoke(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut form = Form::read(&req, payload).await?;
    let presented = Presented::read(&req, &mut form)?;
    let client = authenticate(&state, presented, UnknownId::Ignore).await?;
    let token = form
        .take("token")
        .ok_or_else(|| ApiError::InvalidRequest("token is required".into()))?;
    let token = token.as_str();
    // A refresh token if it has that shape, else perhaps an access token.
    let refresh = RefreshToken::parse(token);
    let access_session = refresh
        .is_none()
        .then(|| state.signer.verify(token).ok().and_then(|c| c.session_id()))
        .flatten();
    let client_id = client.id().map(str::to_owned);
    let session_id = session::end(&state, refresh, access_session, client_id).await?;
    if let Some(session_id) = session_id {
        tracing::info!(
            event = "session_revoked",
            via = "revoke",
            client_id = client.id(),
            session_id,
            "token revoked"
        );
    }
    Ok(HttpResponse::Ok().finish())
}
