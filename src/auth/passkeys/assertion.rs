//! Checking a passkey's answer (an assertion): the ceremony is taken once,
//! the credential looked up, the person's account admitted on the same
//! per-account counter as passwords and codes, the signature and flags
//! checked by webauthn-rs against the stored key and counter, and the new
//! counter stored only if nobody changed it meanwhile.

use std::net::IpAddr;

use webauthn_rs::prelude::{DiscoverableAuthentication, Passkey, PublicKeyCredential, Uuid};

use super::ceremony::{self, Purpose};
use super::{PasskeyError, credential_key, relying_party_of};
use crate::auth::account_key;
use crate::clock::{now_millis, now_unix};
use crate::db::login_failures::{self, Admission, Outcome};
use crate::db::passkeys::{self as store, StoredPasskey};
use crate::db::{self, users, users::User};
use crate::metrics::LoginOutcome;
use crate::state::AppState;

/// A passkey that verified, and whose it is.
#[derive(Debug)]
pub struct Verified {
    pub user: User,
    /// Synced passkeys (backup eligible) live in software key stores;
    /// device-bound ones in the authenticator's hardware.
    pub hardware_bound: bool,
}

impl Verified {
    /// RFC 8176 `amr` of a sign-in by this passkey alone: the key, and
    /// the authenticator's test of the person (user verification; which
    /// kind, PIN or biometric, it does not tell).
    pub fn amr_alone(&self) -> &'static str {
        if self.hardware_bound {
            "hwk user"
        } else {
            "swk user"
        }
    }

    /// `amr` of a password followed by this passkey.
    pub fn amr_after_password(&self) -> &'static str {
        if self.hardware_bound {
            "pwd hwk"
        } else {
            "pwd swk"
        }
    }
}

/// Finishes a sign-in without a password: the passkey names its account.
/// Failures count on that account's counter when the credential maps to
/// one, and on `client`'s address always.
pub async fn finish_sign_in(
    state: &AppState,
    client: IpAddr,
    id: &str,
    answer: &PublicKeyCredential,
) -> Result<Verified, PasskeyError> {
    if let Some(limits) = &state.address_limits
        && let Err(wait) = limits.admit(client)
    {
        tracing::info!(event = "login_throttled", scope = "address", client = %client, via = "passkey", "too many attempts from this address");
        return Err(PasskeyError::Throttled {
            retry_after: wait.as_secs().max(1),
        });
    }
    let result = sign_in(state, id, answer).await;
    match &result {
        Ok(_) => state.metrics.observe_login(LoginOutcome::Succeeded),
        Err(PasskeyError::Refused(_) | PasskeyError::Expired) => {
            state.metrics.observe_login(LoginOutcome::Failed);
            if let Some(limits) = &state.address_limits {
                limits.record_failure(client);
            }
        }
        Err(PasskeyError::Throttled { .. }) => state.metrics.observe_login(LoginOutcome::Throttled),
        Err(_) => {}
    }
    result
}

async fn sign_in(
    state: &AppState,
    id: &str,
    answer: &PublicKeyCredential,
) -> Result<Verified, PasskeyError> {
    let webauthn = relying_party_of(state)?;
    let (_, kept): (_, DiscoverableAuthentication) =
        ceremony::take(state, id, Purpose::SignIn).await?;
    let (handle, raw_id) = webauthn
        .identify_discoverable_authentication(answer)
        .map_err(|_| PasskeyError::Refused("no user handle"))?;
    let (stored, user) = owner_of(state, raw_id).await?;
    // The authenticator's user handle must be the one this credential was
    // registered under.
    if Uuid::parse_str(&stored.user_handle).ok() != Some(handle) {
        return Err(PasskeyError::Refused("user handle does not match"));
    }
    verify(state, kept, answer, stored, user).await
}

/// Finishes the second factor of `user`, whose password opened the
/// challenge hashing to `binding`: only their own passkeys count.
pub async fn finish_second_factor(
    state: &AppState,
    user: &User,
    binding: &str,
    id: &str,
    answer: &PublicKeyCredential,
) -> Result<Verified, PasskeyError> {
    let (ceremony, kept): (_, DiscoverableAuthentication) =
        ceremony::take(state, id, Purpose::SecondFactor).await?;
    if ceremony.user_id != Some(user.id) || ceremony.binding.as_deref() != Some(binding) {
        return Err(PasskeyError::Expired);
    }
    let (stored, owner) = owner_of(state, &answer.raw_id).await?;
    if owner.id != user.id {
        // Counted on the account that gave the password: it is theirs
        // that someone is trying to get into.
        admit(state, &user.email).await?;
        settle(state, &user.email, Outcome::Failed).await?;
        return Err(PasskeyError::Refused("another person's passkey"));
    }
    if let Some(handle) = answer.get_user_unique_id()
        && Uuid::from_slice(handle).ok() != Uuid::parse_str(&stored.user_handle).ok()
    {
        return Err(PasskeyError::Refused("user handle does not match"));
    }
    verify(state, kept, answer, stored, owner).await
}

/// The stored passkey with credential id `raw_id` and its (enabled) owner.
async fn owner_of(state: &AppState, raw_id: &[u8]) -> Result<(StoredPasskey, User), PasskeyError> {
    let key = credential_key(raw_id);
    let found = db::run(&state.pool, move |conn| {
        let Some(stored) = store::find(conn, &key)? else {
            return Ok(None);
        };
        Ok(users::find_by_id(conn, stored.user_id)?.map(|user| (stored, user)))
    })
    .await?;
    match found {
        Some((_, user)) if user.disabled => Err(PasskeyError::Refused("account disabled")),
        Some(found) => Ok(found),
        None => Err(PasskeyError::Refused("unknown credential")),
    }
}

/// Checks `answer` against the stored credential, throttled and counted
/// on the owner's account.
async fn verify(
    state: &AppState,
    kept: DiscoverableAuthentication,
    answer: &PublicKeyCredential,
    stored: StoredPasskey,
    user: User,
) -> Result<Verified, PasskeyError> {
    let webauthn = relying_party_of(state)?;
    admit(state, &user.email).await?;
    let mut passkey: Passkey = match serde_json::from_str(&stored.credential) {
        Ok(passkey) => passkey,
        Err(e) => {
            settle(state, &user.email, Outcome::Failed).await?;
            return Err(PasskeyError::Internal(format!(
                "stored passkey unreadable: {e}"
            )));
        }
    };
    // webauthn-rs checks the challenge, origin, RP id, user verification,
    // the signature, and that a counter moved forward.
    let result = match webauthn.finish_discoverable_authentication_v2(answer, kept, &passkey) {
        Ok(result) => result,
        Err(e) => {
            tracing::info!(error = %e, user_id = user.id, "passkey assertion did not verify");
            settle(state, &user.email, Outcome::Failed).await?;
            return Err(PasskeyError::Refused("assertion did not verify"));
        }
    };
    passkey.update_credential(&result);
    let updated =
        serde_json::to_string(&passkey).map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let (credential_id, previous) = (stored.credential_id.clone(), stored.credential.clone());
    let recorded = db::run(&state.pool, move |conn| {
        store::record_use(conn, &credential_id, &previous, &updated, now_unix())
    })
    .await?;
    if !recorded {
        // Used (or removed) at the same moment elsewhere: a clone, or a race.
        settle(state, &user.email, Outcome::Failed).await?;
        return Err(PasskeyError::Refused("credential changed meanwhile"));
    }
    settle(state, &user.email, Outcome::Succeeded).await?;
    Ok(Verified {
        user,
        hardware_bound: !result.backup_eligible(),
    })
}

/// Admits an attempt on `email`'s account, or says how long to wait.
async fn admit(state: &AppState, email: &str) -> Result<(), PasskeyError> {
    let (key, policy) = (account_key(email), state.account_policy.clone());
    let admission = db::run(&state.pool, move |conn| {
        let now = now_millis();
        match login_failures::peek(conn, &key, &policy, now)? {
            Some(refused) => Ok(refused),
            None => login_failures::admit(conn, &key, &policy, now),
        }
    })
    .await?;
    match admission {
        Admission::Admitted => Ok(()),
        Admission::Wait(ms) => Err(PasskeyError::Throttled {
            retry_after: (ms as u64).div_ceil(1000).max(1),
        }),
        Admission::Busy => Err(PasskeyError::Throttled { retry_after: 1 }),
    }
}

async fn settle(state: &AppState, email: &str, outcome: Outcome) -> Result<(), PasskeyError> {
    let (key, policy) = (account_key(email), state.account_policy.clone());
    db::run(&state.pool, move |conn| {
        login_failures::settle(conn, &key, &policy, outcome, now_millis())
    })
    .await?;
    Ok(())
}
