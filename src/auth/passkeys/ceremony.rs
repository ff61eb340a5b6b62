//! Ceremonies between their start and their finish: stored (by the hash
//! of a random id the browser sends back) so any instance can finish
//! them, taken once, dead after [`CEREMONY_SECONDS`].

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value as Json, json};

use super::{CEREMONY_SECONDS, PasskeyError, relying_party_of, to_json};
use crate::auth::random::random_token;
use crate::auth::refresh::sha256_hex;
use crate::clock::now_unix;
use crate::db::passkeys::{self as store, Ceremony};
use crate::db::{self, users::User};
use crate::state::AppState;

/// What a ceremony is for; a ceremony finishes only what it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    SignIn,
    SecondFactor,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::SecondFactor => "second_factor",
        }
    }
}

/// Stores a new ceremony keeping `kept`; returns its id.
pub(super) async fn open(
    state: &AppState,
    purpose: Purpose,
    user_id: Option<i64>,
    binding: Option<String>,
    name: Option<String>,
    kept: &impl Serialize,
) -> Result<String, PasskeyError> {
    let id = random_token(32);
    let now = now_unix();
    let ceremony = Ceremony {
        id_hash: sha256_hex(id.as_bytes()),
        purpose: purpose.as_str().to_owned(),
        user_id,
        binding,
        name,
        state: serde_json::to_string(kept).map_err(|e| PasskeyError::Internal(e.to_string()))?,
        expires_at: now + CEREMONY_SECONDS,
    };
    db::run(&state.pool, move |conn| {
        store::insert_ceremony(conn, &ceremony, now)
    })
    .await?;
    Ok(id)
}

/// Takes ceremony `id` for `purpose`, once: a second finish, one of
/// another purpose or a late one finds nothing.
pub(super) async fn take<T: DeserializeOwned>(
    state: &AppState,
    id: &str,
    purpose: Purpose,
) -> Result<(Ceremony, T), PasskeyError> {
    let hash = sha256_hex(id.as_bytes());
    let found = db::run(&state.pool, move |conn| {
        store::take_ceremony(conn, &hash, purpose.as_str(), now_unix())
    })
    .await?
    .ok_or(PasskeyError::Expired)?;
    let kept = serde_json::from_str(&found.state)
        .map_err(|e| PasskeyError::Internal(format!("stored passkey ceremony unreadable: {e}")))?;
    Ok((found, kept))
}

/// Starts a sign-in with whichever passkey the browser offers
/// (discoverable credentials, user verification required).
pub async fn start_sign_in(state: &AppState) -> Result<(String, Json), PasskeyError> {
    let webauthn = relying_party_of(state)?;
    let (options, kept) = webauthn
        .start_discoverable_authentication()
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let id = open(state, Purpose::SignIn, None, None, None, &kept).await?;
    Ok((id, request_options(&options)?))
}

/// The options for `navigator.credentials.get`: a button starts the
/// ceremony, not an autofill field, so no conditional mediation.
fn request_options(options: &impl Serialize) -> Result<Json, PasskeyError> {
    let options = to_json(options)?;
    Ok(json!({ "publicKey": options["publicKey"] }))
}

/// Starts the second factor for `user`, whose password opened the
/// challenge whose token hashes to `binding`: only their passkeys are
/// offered, and only their passkeys are accepted at the finish.
pub async fn start_second_factor(
    state: &AppState,
    user: &User,
    binding: String,
) -> Result<(String, Json), PasskeyError> {
    let webauthn = relying_party_of(state)?;
    let user_id = user.id;
    let theirs = db::run(&state.pool, move |conn| store::of_user(conn, user_id)).await?;
    if theirs.is_empty() {
        return Err(PasskeyError::Refused("no passkey registered"));
    }
    let (options, kept) = webauthn
        .start_discoverable_authentication()
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let mut options = request_options(&options)?;
    // Their passkeys only, so the browser picks one of them; the finish
    // checks the credential's owner whatever the browser sends.
    options["publicKey"]["allowCredentials"] = theirs
        .iter()
        .map(|p| json!({"type": "public-key", "id": p.credential_id}))
        .collect();
    let id = open(
        state,
        Purpose::SecondFactor,
        Some(user.id),
        Some(binding),
        None,
        &kept,
    )
    .await?;
    Ok((id, options))
}
