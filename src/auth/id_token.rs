//! OpenID Connect id_tokens: what they claim about a sign-in. Signed by
//! [`TokenSigner::sign_id_token`](super::jwt::TokenSigner::sign_id_token)
//! with the ring's RS256 key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use crate::clock::now_unix;
use crate::config::JwtAlg;
use crate::db::sessions::Session;
use crate::db::users::User;

/// The claims of an id_token (OpenID Connect Core §2, §3.1.3.6).
#[derive(Debug, Serialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub amr: Vec<String>,
    pub at_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

/// The subject of a person for applications: their account's id, which is
/// random, never reused, and unchanged when the email changes (unlike the
/// email, which access tokens carry as `sub` for the seed's sake).
pub fn subject(user: &User) -> String {
    user.id.to_string()
}

/// `at_hash`: the left half of the hash of the access token, base64url;
/// the hash is the one of the id_token's `alg` (OpenID Connect Core
/// §3.1.3.6): SHA-256 for RS256 (and HS256), SHA-512 for EdDSA with
/// Ed25519 (errata set 2; what relying parties' libraries compute).
pub fn at_hash(access_token: &str, alg: JwtAlg) -> String {
    let bytes = access_token.as_bytes();
    match alg {
        JwtAlg::EdDsa => URL_SAFE_NO_PAD.encode(&Sha512::digest(bytes)[..32]),
        JwtAlg::Rs256 | JwtAlg::Hs256 => URL_SAFE_NO_PAD.encode(&Sha256::digest(bytes)[..16]),
    }
}

/// What an id_token needs besides the session.
pub struct Issue<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub access_token: &'a str,
    /// What the id_token will be signed with (decides `at_hash`'s hash).
    pub alg: JwtAlg,
    pub scopes: &'a [String],
    pub nonce: Option<String>,
    pub lifetime_seconds: i64,
}

/// The id_token claims for `user` signed in to `session` (an
/// application's session: its sign-in time, methods and browser session).
pub fn claims(user: &User, session: &Session, issue: Issue<'_>) -> IdTokenClaims {
    let now = now_unix();
    let with_email = issue.scopes.iter().any(|s| s == "email");
    IdTokenClaims {
        iss: issue.issuer.to_owned(),
        sub: subject(user),
        aud: issue.client_id.to_owned(),
        azp: issue.client_id.to_owned(),
        exp: now + issue.lifetime_seconds,
        iat: now,
        auth_time: session.signed_in_at(),
        nonce: issue.nonce,
        amr: session
            .amr
            .as_deref()
            .unwrap_or("pwd")
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        at_hash: at_hash(issue.access_token, issue.alg),
        sid: session.browser_session_id.map(|id| id.to_string()),
        email: with_email.then(|| user.email.clone()),
        // Addresses are entered by an administrator, never confirmed by
        // mail (yet): say so rather than vouch for them.
        email_verified: with_email.then_some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_sha256_in_base64url() {
        // Computed independently with Python's hashlib and base64.
        assert_eq!(
            at_hash("eyJhbGciOiJSUzI1NiJ9.example", JwtAlg::Rs256),
            "P0eAjU7bE2zOhiLuTn08ig"
        );
    }

    #[test]
    fn at_hash_for_eddsa_is_the_left_half_of_the_sha512() {
        // Computed independently with Python's hashlib and base64.
        assert_eq!(
            at_hash("eyJhbGciOiJFZERTQSJ9.example", JwtAlg::EdDsa),
            "Qz11OGYVpoaAF3tsZRbaiwdJ8gW156M0YU0ffDcskbo"
        );
    }
}
