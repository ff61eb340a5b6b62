//! Client authentication at the token, revocation and introspection
//! endpoints (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`,
//! or a public client's `client_id` alone.

use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::form::{Form, percent_decode};
use crate::auth::clients::secret_matches;
use crate::db::{self, clients, clients::Client};
use crate::error::ApiError;
use crate::state::AppState;

/// What a request says about its client.
pub enum Presented {
    /// No client at all: the built-in, seed-compatible client.
    Nothing,
    /// `client_id` without a secret.
    Id(String),
    /// An id with a secret (HTTP Basic or in the form).
    Secret { id: String, secret: String },
}

impl Presented {
    /// Reads the `Authorization: Basic` header and takes `client_id` and
    /// `client_secret` out of `form`. Two methods at once is a client
    /// error (RFC 6749 §2.3).
    pub fn read(req: &HttpRequest, form: &mut Form) -> Result<Self, ApiError> {
        let form_id = form.take("client_id").filter(|id| !id.is_empty());
        let form_secret = form.take("client_secret").filter(|s| !s.is_empty());
        if let Some((id, secret)) = basic_credentials(req)? {
            if form_secret.is_some() {
                return Err(ApiError::InvalidRequest(
                    "use one client authentication method, not both Basic and client_secret".into(),
                ));
            }
            if form_id.as_ref().is_some_and(|form_id| *form_id != id) {
                return Err(ApiError::InvalidRequest(
                    "client_id differs from the one in the Authorization header".into(),
                ));
            }
            return Ok(Self::Secret { id, secret });
        }
        Ok(match (form_id, form_secret) {
            (Some(id), Some(secret)) => Self::Secret { id, secret },
            (Some(id), None) => Self::Id(id),
            (None, Some(_)) => {
                return Err(ApiError::InvalidRequest(
                    "client_secret needs a client_id".into(),
                ));
            }
            (None, None) => Self::Nothing,
        })
    }
}

/// The client a request authenticated as.
pub enum Authenticated {
    /// None presented (or, for the password and refresh grants, an
    /// unknown id without a secret, which the seed ignored).
    BuiltIn,
    Client(Box<Client>),
}

impl Authenticated {
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::BuiltIn => None,
            Self::Client(client) => Some(&client.id),
        }
    }
}

/// How strict to be with an unknown `client_id` that comes without a
/// secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UnknownId {
    /// The seed's FastAPI form accepted and ignored any `client_id`:
    /// treat it as no client (password and refresh grants, revocation).
    Ignore,
    /// The client must exist (code exchange, introspection).
    Refuse,
}

/// Checks what was presented: a confidential client must give its secret
/// (compared in constant time); a public client gives its id alone.
pub async fn authenticate(
    state: &AppState,
    presented: Presented,
    unknown: UnknownId,
) -> Result<Authenticated, ApiError> {
    let id = match &presented {
        Presented::Nothing => return Ok(Authenticated::BuiltIn),
        Presented::Id(id) | Presented::Secret { id, .. } => id.clone(),
    };
    let found = db::run(&state.pool, move |conn| clients::find(conn, &id)).await?;
    let refuse = || {
        tracing::info!(event = "client_auth_failed", "client authentication failed");
        ApiError::InvalidClient
    };
    match (found, presented) {
        (None, Presented::Id(_)) if unknown == UnknownId::Ignore => Ok(Authenticated::BuiltIn),
        (None, _) => Err(refuse()),
        (Some(client), Presented::Id(_)) if client.is_public() => {
            Ok(Authenticated::Client(Box::new(client)))
        }
        (Some(client), Presented::Secret { secret, .. }) if secret_matches(&client, &secret) => {
            Ok(Authenticated::Client(Box::new(client)))
        }
        (Some(_), _) => Err(refuse()),
    }
}

/// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`.
/// Another scheme (a bearer token) is none of this module's business.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || ApiError::InvalidClient;
    let value = value.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = text.split_once(':').ok_or_else(malformed)?;
    let id = percent_decode(id.as_bytes(), true).map_err(|_| malformed())?;
    let secret = percent_decode(secret.as_bytes(), true).map_err(|_| malformed())?;
    if id.is_empty() {
        return Err(malformed());
    }
    Ok(Some((id, secret)))
}
