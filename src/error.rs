//! Errors as clients see them. Internal causes (database failures,
//! unexpected errors) are logged where they become a response: here for
//! the JSON API, in `routes::login::error_page` for the HTML pages. They are
//! never sent: a client gets a fixed, documented body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::auth::AuthError;
use crate::auth::hasher::Saturated;
use crate::db::DbError;

/// Seconds a client should wait after a 503.
const RETRY_AFTER_UNAVAILABLE: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Wrong email or password, unknown or disabled user: one answer for all.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("unsupported grant type")]
    UnsupportedGrantType,
    #[error("scope not granted: {0}")]
    InvalidScope(String),
    /// A refresh token that is unknown, expired, revoked or reused.
    #[error("refresh token refused")]
    InvalidGrant,
    /// An authorization code refused, and why (safe to tell the client).
    #[error("authorization code refused: {0}")]
    InvalidCode(&'static str),
    /// Client authentication failed (RFC 6749 §5.2: 401 with a
    /// `WWW-Authenticate: Basic` challenge).
    #[error("client authentication failed")]
    InvalidClient,
    /// A known client asked for a grant it is not registered for.
    #[error("unauthorized client: {0}")]
    UnauthorizedClient(&'static str),
    #[error("the token lacks scope {0}")]
    InsufficientScope(&'static str),
    /// The password was right, but the account has a second factor: it
    /// signs in through the browser (`/authorize`), not the password grant.
    #[error("a second factor is required")]
    MfaRequired,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("no bearer token")]
    MissingToken,
    #[error("invalid bearer token: {0}")]
    InvalidToken(String),
    #[error("password hashing saturated")]
    HashingSaturated,
    /// Too many failed logins for this account or from this address.
    #[error("throttled for {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error("database unavailable: {0}")]
    Database(#[from] DbError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// An unexpected failure: `cause` is logged when answered, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::InvalidCredentials => Self::InvalidCredentials,
            AuthError::InvalidScope(scope) => Self::InvalidScope(scope),
            AuthError::HashingSaturated => Self::HashingSaturated,
            AuthError::Throttled { retry_after } => Self::Throttled { retry_after },
            AuthError::Database(e) => Self::Database(e),
        }
    }
}

impl From<Saturated> for ApiError {
    fn from(_: Saturated) -> Self {
        Self::HashingSaturated
    }
}

fn oauth_body(error: &str, description: &str) -> serde_json::Value {
    // `detail` keeps FastAPI clients working; `error` keeps OAuth2 libraries working.
    json!({"error": error, "error_description": description, "detail": description})
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidCredentials
            | Self::MissingToken
            | Self::InvalidToken(_)
            | Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::InvalidRequest(_)
            | Self::UnsupportedGrantType
            | Self::InvalidScope(_)
            | Self::InvalidGrant
            | Self::InvalidCode(_)
            | Self::UnauthorizedClient(_) => StatusCode::BAD_REQUEST,
            Self::InsufficientScope(_) | Self::MfaRequired => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HashingSaturated | Self::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        let body = match self {
            Self::InvalidCredentials => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
                oauth_body("invalid_grant", "Invalid credentials")
            }
            Self::InvalidRequest(message) => oauth_body("invalid_request", message),
            Self::UnsupportedGrantType => oauth_body(
                "unsupported_grant_type",
                "This grant_type is not supported here",
            ),
            Self::InvalidCode(why) => oauth_body("invalid_grant", why),
            Self::InvalidClient => {
                // Required when Basic was used; harmless otherwise, and it
                // tells a client which scheme to use.
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"latchkey\", charset=\"UTF-8\""),
                ));
                oauth_body("invalid_client", "Client authentication failed")
            }
            Self::UnauthorizedClient(why) => oauth_body("unauthorized_client", why),
            Self::InvalidScope(scope) => oauth_body(
                "invalid_scope",
                &format!("The scope {scope:?} is not granted"),
            ),
            Self::InvalidGrant => oauth_body(
                "invalid_grant",
                "The refresh token is invalid, expired or revoked",
            ),
            Self::InsufficientScope(scope) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\""),
                ));
                oauth_body(
                    "insufficient_scope",
                    &format!("This needs the scope {scope}"),
                )
            }
            Self::PayloadTooLarge => oauth_body("invalid_request", "The request body is too large"),
            Self::MfaRequired => oauth_body(
                "mfa_required",
                "This account has a second factor: sign in through the browser (authorization code flow)",
            ),
            Self::MissingToken => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
                json!({"detail": "Not authenticated"})
            }
            Self::InvalidToken(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                ));
                oauth_body("invalid_token", "Could not validate credentials")
            }
            Self::Throttled { retry_after } => {
                response.insert_header((header::RETRY_AFTER, *retry_after));
                oauth_body(
                    "too_many_requests",
                    &format!(
                        "Too many failed attempts; try again in {retry_after} second{}",
                        if *retry_after == 1 { "" } else { "s" }
                    ),
                )
            }
            Self::HashingSaturated | Self::Database(_) => {
                if let Self::Database(cause) = self {
                    tracing::error!(error = %cause, "database unavailable");
                }
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_UNAVAILABLE));
                oauth_body(
                    "temporarily_unavailable",
                    "The service is busy or temporarily unavailable; try again shortly",
                )
            }
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                oauth_body("server_error", "Internal server error")
            }
        };
        response.json(body)
    }
}
