//! The signed-in caller, as an extractor. A bearer header wins; otherwise
//! the session cookie. A browser whose access cookie has expired but whose
//! refresh cookie is valid is renewed on the spot: the request is served
//! and [`renew_cookies`] sets the fresh cookies on the response.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use super::cookies::BrowserCookies;
use crate::auth::jwt::{Claims, TokenError};
use crate::auth::refresh::RefreshToken;
use crate::auth::{scopes, session};
use crate::clock;
use crate::db::sessions::{self, SessionTimes};
use crate::db::{self, users::User};
use crate::error::ApiError;
use crate::state::AppState;

pub struct Caller {
    pub user: User,
    pub claims: Claims,
    /// When the caller's session ends.
    pub session_ends: i64,
    /// When the caller's session began: the sign-in (`auth_time`).
    pub session_started: i64,
    /// How the person signed in (`pwd`, `pwd otp`), if recorded.
    pub session_amr: Option<String>,
}

impl Caller {
    /// The token's scopes that the user still holds: `user scopes` takes
    /// scopes away on the next request, not when the token expires. (A
    /// scope added later needs a new sign-in; a token never carries more
    /// than it was issued with.)
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        let held = &self.user.scopes;
        self.claims
            .scopes()
            .filter(move |s| scopes::user_holds(held, s))
    }

    /// RFC 6750: a token without `scope` gets 403 `insufficient_scope`.
    pub fn require_scope(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.scopes().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::InsufficientScope(scope))
        }
    }
}

/// Where the credentials of a request came from.
enum Presented {
    Bearer(String),
    Cookies {
        access: Option<String>,
        refresh: Option<String>,
    },
    Nothing,
}

/// Fresh session cookies to set on the response of a renewed request.
#[derive(Clone)]
struct RenewedCookies(Vec<Cookie<'static>>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let jar = BrowserCookies::new(&state.settings);
            match presented(&req, jar) {
                Presented::Bearer(token) => {
                    let claims = state.signer.verify(&token).map_err(invalid)?;
                    caller_for(&state, claims).await
                }
                Presented::Cookies { access, refresh } => {
                    from_cookies(&state, &req, jar, access, refresh).await
                }
                Presented::Nothing => Err(ApiError::MissingToken),
            }
        })
    }
}

/// The person signed in with this browser: the session cookies only. A
/// bearer header is ignored, so that an access token held by some
/// application can never act as the person's sign-in (at `/authorize`).
pub struct BrowserCaller(pub Caller);

impl FromRequest for BrowserCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let jar = BrowserCookies::new(&state.settings);
            let access = jar.read(&req, jar.session_name()).filter(|v| !v.is_empty());
            let refresh = jar.read(&req, jar.refresh_name()).filter(|v| !v.is_empty());
            let caller = from_cookies(&state, &req, jar, access, refresh).await?;
            // A session of latchkey's own sign-in only, never one opened
            // for an application.
            if caller.claims.client_id.is_some() {
                return Err(ApiError::InvalidToken("not a browser session".into()));
            }
            Ok(BrowserCaller(caller))
        })
    }
}

impl BrowserCaller {
    /// The person signed in, if anyone: no cookies or dead ones are
    /// nobody; only a failure to check (the database) is an error.
    pub fn optional(caller: Result<Self, ApiError>) -> Result<Option<Caller>, ApiError> {
        match caller {
            Ok(Self(caller)) => Ok(Some(caller)),
            Err(ApiError::MissingToken | ApiError::InvalidToken(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn invalid(e: TokenError) -> ApiError {
    ApiError::InvalidToken(e.to_string())
}

fn presented(req: &HttpRequest, jar: BrowserCookies<'_>) -> Presented {
    if let Some(token) = bearer_token(req) {
        return Presented::Bearer(token);
    }
    let access = jar.read(req, jar.session_name()).filter(|v| !v.is_empty());
    let refresh = jar.read(req, jar.refresh_name()).filter(|v| !v.is_empty());
    if access.is_none() && refresh.is_none() {
        Presented::Nothing
    } else {
        Presented::Cookies { access, refresh }
    }
}

async fn from_cookies(
    state: &AppState,
    req: &HttpRequest,
    jar: BrowserCookies<'_>,
    access: Option<String>,
    refresh: Option<String>,
) -> Result<Caller, ApiError> {
    let verified = access.as_deref().map(|token| state.signer.verify(token));
    match (verified, refresh) {
        (Some(Ok(claims)), _) => caller_for(state, claims).await,
        // Expired (or otherwise unusable) access cookie: try the refresh cookie.
        (_, Some(refresh)) => renew(state, req, jar, &refresh).await,
        (Some(Err(e)), None) => Err(invalid(e)),
        (None, None) => Err(ApiError::MissingToken),
    }
}

/// Rotates the refresh cookie and signs a new access token. Two tabs that
/// renew at once present the same refresh token; the grace window hands
/// both the same successor, so neither is signed out.
async fn renew(
    state: &AppState,
    req: &HttpRequest,
    jar: BrowserCookies<'_>,
    refresh: &str,
) -> Result<Caller, ApiError> {
    let presented = RefreshToken::parse(refresh)
        .ok_or_else(|| ApiError::InvalidToken("bad refresh cookie".into()))?;
    let Some(session::Rotated {
        session,
        user,
        successor,
        scopes,
    }) = session::rotate(state, presented, None, None, "cookie").await?
    else {
        return Err(ApiError::InvalidToken("the session has ended".into()));
    };
    let access = state
        .signer
        .issue(&user.email, &scopes, Some(session.id))
        .map_err(ApiError::internal)?;
    let claims = access.claims;
    let remaining = (session.expires_at - clock::now_unix()).max(0);
    let cookies = jar.session(access.token, successor.expose().to_owned(), remaining);
    req.extensions_mut()
        .insert(RenewedCookies(cookies.to_vec()));
    tracing::info!(
        event = "session_renewed",
        session_id = session.id,
        user_id = user.id,
        "browser session renewed"
    );
    Ok(Caller {
        user,
        claims,
        session_ends: session.expires_at,
        session_started: session.created_at,
        session_amr: session.amr,
    })
}

/// Middleware: puts the cookies of a renewed session on the response.
pub async fn renew_cookies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let renewed = response
        .request()
        .extensions()
        .get::<RenewedCookies>()
        .cloned();
    if let Some(RenewedCookies(cookies)) = renewed {
        let already_set: Vec<String> = response
            .response()
            .cookies()
            .map(|c| c.name().to_owned())
            .collect();
        for cookie in cookies
            .iter()
            .filter(|c| !already_set.iter().any(|n| n == c.name()))
        {
            response.response_mut().add_cookie(cookie)?;
        }
    }
    Ok(response)
}

/// Checks, in one database round or from [`crate::auth::live_sessions`] while nothing
/// has changed since that round, that the token's user and session are
/// still good. Every access token belongs to a session (`sid`), so logout,
/// `user passwd` and `user disable` can end it; one without is refused.
pub async fn caller_for(state: &AppState, claims: Claims) -> Result<Caller, ApiError> {
    let Some(session) = claims.session_id() else {
        return Err(ApiError::InvalidToken("the token has no session".into()));
    };
    let changes = state.pool.changes();
    let remembered = changes
        .current
        .then(|| {
            state
                .live_sessions
                .get(session, &claims.sub, changes.count, clock::now_unix())
        })
        .flatten();
    state.metrics.observe_session_check(remembered.is_some());
    if let Some((user, times)) = remembered {
        return Ok(caller(user, claims, times));
    }
    let email = claims.sub.clone();
    let found = db::run_not_changing_sessions(&state.pool, move |conn| {
        sessions::user_with_session(conn, &email, session)
    })
    .await?;
    match found {
        Some((_, None)) => Err(ApiError::InvalidToken("the session has ended".into())),
        Some((user, Some(times))) if !user.disabled => {
            state
                .live_sessions
                .remember(session, &user, &times, changes.count);
            Ok(caller(user, claims, times))
        }
        Some(_) => Err(ApiError::InvalidToken("the user is disabled".into())),
        None => Err(ApiError::InvalidToken("the user no longer exists".into())),
    }
}

fn caller(user: User, claims: Claims, times: SessionTimes) -> Caller {
    Caller {
        user,
        claims,
        session_ends: times.ends,
        session_started: times.started,
        session_amr: times.amr,
    }
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is
/// case-insensitive (RFC 7235).
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}
