//! Access tokens: HS256 JWTs with `kid`, signed and checked here only.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::keys::SigningSecret;
use crate::db::now_unix;

/// Clock skew tolerated between instances and the services verifying.
const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token. `sub` is the email, as in the seed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub iss: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

impl Claims {
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }
}

/// A freshly signed access token.
pub struct AccessToken {
    pub token: String,
    pub expires_in: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    #[error("the token is invalid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("cannot sign the token: {0}")]
    Signing(jsonwebtoken::errors::Error),
}

pub struct TokenSigner {
    kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: Option<String>,
    ttl: Duration,
}

impl TokenSigner {
    pub fn new(secret: SigningSecret, issuer: &str, audience: Option<&str>, ttl: Duration) -> Self {
        let bytes = secret.secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        match audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub", "aud"]);
            }
            None => {
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
            }
        }
        Self {
            decoding: HashMap::from([(secret.kid.clone(), DecodingKey::from_secret(bytes))]),
            encoding: EncodingKey::from_secret(bytes),
            kid: secret.kid,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.map(str::to_owned),
            ttl,
        }
    }

    pub fn issue(&self, email: &str, scopes: &[String]) -> Result<AccessToken, TokenError> {
        let now = now_unix();
        let mut jti = [0u8; 16];
        rand::fill(&mut jti);
        let claims = Claims {
            sub: email.to_owned(),
            exp: now + self.ttl.as_secs() as i64,
            iat: now,
            nbf: now,
            jti: URL_SAFE_NO_PAD.encode(jti),
            iss: self.issuer.clone(),
            scope: scopes.join(" "),
            aud: self.audience.clone(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let token =
            jsonwebtoken::encode(&header, &claims, &self.encoding).map_err(TokenError::Signing)?;
        Ok(AccessToken {
            token,
            expires_in: self.ttl.as_secs(),
        })
    }

    /// Checks signature, algorithm, `kid`, `exp`, `nbf`, `iss` (and `aud`
    /// when configured).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(TokenError::UnknownKey)?;
        jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(TokenError::Invalid)
    }
}
