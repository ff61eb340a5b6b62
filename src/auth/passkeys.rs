//! Passkeys as policy: the relying party (from `LATCHKEY_PUBLIC_URL`),
//! ceremonies kept in the database between their two requests (any
//! instance may answer the second), registration, and checking an
//! assertion for a sign-in without a password or as the second factor.
//! The WebAuthn checks themselves are webauthn-rs's.

mod assertion;
mod ceremony;

pub use assertion::{Verified, finish_second_factor, finish_sign_in};
pub use ceremony::{Purpose, start_second_factor, start_sign_in};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use url::Url;
use webauthn_rs::prelude::{Passkey, PasskeyRegistration, RegisterPublicKeyCredential, Uuid};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::clock::now_unix;
use crate::db::passkeys::{self as store, StoredPasskey};
use crate::db::{self, DbError, users::User};
use crate::state::AppState;

/// How long a ceremony's challenge may be answered.
pub const CEREMONY_SECONDS: i64 = 300;

/// The longest name a person may give a passkey, in characters.
pub const NAME_MAX_CHARS: usize = 60;

/// Why a passkey ceremony did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// No `LATCHKEY_PUBLIC_URL`: no relying party id, so no passkeys.
    #[error("passkeys are off")]
    Off,
    /// The ceremony is unknown, answered already, or too old.
    #[error("no such ceremony, or it expired")]
    Expired,
    /// The answer did not verify, or names a credential that is not this
    /// person's (or nobody's).
    #[error("passkey refused: {0}")]
    Refused(&'static str),
    /// This authenticator's credential is registered already.
    #[error("passkey already registered")]
    Duplicate,
    #[error("throttled for {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error("database unavailable: {0}")]
    Database(#[from] DbError),
    #[error("passkey state: {0}")]
    Internal(String),
}

/// The relying party for `public_url`: its host is the RP id, its origin
/// the only origin accepted.
pub fn relying_party(public_url: &str) -> Result<Webauthn, String> {
    let url = Url::parse(public_url).map_err(|e| format!("{public_url}: {e}"))?;
    // Browsers refuse an IP address as a relying party id.
    let rp_id = url
        .domain()
        .ok_or_else(|| format!("LATCHKEY_PUBLIC_URL {public_url} names no domain name"))?
        .to_owned();
    let origin = Url::parse(&url.origin().ascii_serialization()).map_err(|e| e.to_string())?;
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| b.rp_name("latchkey").build())
        .map_err(|e| format!("no WebAuthn relying party for {public_url}: {e}"))
}

fn relying_party_of(state: &AppState) -> Result<&Webauthn, PasskeyError> {
    state.passkeys.as_ref().ok_or(PasskeyError::Off)
}

/// A credential id as stored and shown: base64url without padding.
pub fn credential_key(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// What a registration keeps between start and finish.
#[derive(Serialize, Deserialize)]
struct Registration {
    user_handle: Uuid,
    webauthn: PasskeyRegistration,
}

/// Starts registering a passkey named `name` for `user`: the options for
/// `navigator.credentials.create`, and the ceremony id to finish with.
pub async fn start_registration(
    state: &AppState,
    user: &User,
    name: String,
) -> Result<(String, Json), PasskeyError> {
    let webauthn = relying_party_of(state)?;
    let user_id = user.id;
    let existing = db::run(&state.pool, move |conn| store::of_user(conn, user_id)).await?;
    // One handle per person, so an authenticator keeps one entry for them.
    let user_handle = match existing.first() {
        Some(passkey) => Uuid::parse_str(&passkey.user_handle)
            .map_err(|e| PasskeyError::Internal(e.to_string()))?,
        None => Uuid::from_bytes(rand::random()),
    };
    let exclude = existing
        .iter()
        .filter_map(|p| URL_SAFE_NO_PAD.decode(&p.credential_id).ok())
        .collect();
    let (options, registration) = webauthn
        .start_passkey_registration(user_handle, &user.email, &user.email, Some(exclude))
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let mut options = to_json(&options)?;
    // Signing in without an email needs a discoverable credential; what
    // the authenticator is asked for changes nothing in the checks.
    options["publicKey"]["authenticatorSelection"]["residentKey"] = json!("required");
    options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(true);
    let kept = Registration {
        user_handle,
        webauthn: registration,
    };
    let id = ceremony::open(
        state,
        Purpose::Register,
        Some(user.id),
        None,
        Some(name),
        &kept,
    )
    .await?;
    Ok((id, options))
}

/// Finishes registering: the authenticator's answer to ceremony `id`,
/// which `user` started. Returns the new passkey's name.
pub async fn finish_registration(
    state: &AppState,
    user: &User,
    id: &str,
    answer: &RegisterPublicKeyCredential,
) -> Result<String, PasskeyError> {
    let webauthn = relying_party_of(state)?;
    let (ceremony, kept): (_, Registration) = ceremony::take(state, id, Purpose::Register).await?;
    if ceremony.user_id != Some(user.id) {
        return Err(PasskeyError::Expired);
    }
    let passkey: Passkey = webauthn
        .finish_passkey_registration(answer, &kept.webauthn)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration did not verify");
            PasskeyError::Refused("registration did not verify")
        })?;
    let name = ceremony.name.unwrap_or_default();
    let stored = StoredPasskey {
        credential_id: credential_key(passkey.cred_id()),
        user_id: user.id,
        user_handle: kept.user_handle.to_string(),
        name: name.clone(),
        credential: serde_json::to_string(&passkey)
            .map_err(|e| PasskeyError::Internal(e.to_string()))?,
        created_at: now_unix(),
        last_used_at: None,
    };
    match db::run(&state.pool, move |conn| store::insert(conn, &stored)).await? {
        true => Ok(name),
        false => Err(PasskeyError::Duplicate),
    }
}

fn to_json(value: &impl Serialize) -> Result<Json, PasskeyError> {
    serde_json::to_value(value).map_err(|e| PasskeyError::Internal(e.to_string()))
}

/// A passkey's name as given: trimmed, control characters dropped,
/// `None` if nothing is left or it is too long.
pub fn parse_name(raw: &str) -> Option<String> {
    let name: String = raw.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= NAME_MAX_CHARS).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_urls_host() {
        assert!(relying_party("https://login.example.com/base/").is_ok());
        assert!(relying_party("http://localhost:8080").is_ok());
        assert!(relying_party("http://127.0.0.1:8080").is_err());
        assert!(relying_party("not a url").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Phone \u{7}"), Some("Phone".to_owned()));
        assert_eq!(parse_name("   "), None);
        assert_eq!(parse_name(&"x".repeat(NAME_MAX_CHARS + 1)), None);
    }
}
