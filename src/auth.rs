//! Authentication, shared by every way in: look the user up, verify the
//! password on the bounded hasher, upgrade old hashes.

pub mod address_limit;
pub mod client_address;
pub mod common_passwords;
pub mod cookies;
pub mod credentials;
pub mod csrf;
pub mod extract;
pub mod failure_time;
pub mod hasher;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod refresh;
pub mod session;

use credentials::{Email, LOGIN_PASSWORD_MAX_BYTES, Password};
use password::Verification;

use std::net::IpAddr;
use std::time::Duration;

use crate::db::login_failures::{self, Admission};
use crate::db::{self, users, users::User};
use crate::error::ApiError;
use crate::metrics::LoginOutcome;
use crate::state::AppState;

/// Checks an email and password from `client`. Throttled attempts run no
/// hash. Unknown emails are verified against a dummy hash and disabled
/// users are refused after verification, so every admitted failure costs
/// one verification, padded to the dearest kind of stored hash, and gives
/// the same error.
pub async fn authenticate(
    state: &AppState,
    client: IpAddr,
    email: &str,
    password: &str,
) -> Result<User, ApiError> {
    if let Some(limits) = &state.address_limits
        && let Err(wait) = limits.admit(client)
    {
        tracing::info!(event = "login_throttled", scope = "address", client = %client, "too many attempts from this address");
        state.metrics.observe_login(LoginOutcome::Throttled);
        return Err(ApiError::Throttled {
            retry_after: wait.as_secs().max(1),
        });
    }
    let result = check_account(state, email, password).await;
    match &result {
        Ok(_) => state.metrics.observe_login(LoginOutcome::Succeeded),
        Err(ApiError::InvalidCredentials) => {
            state.metrics.observe_login(LoginOutcome::Failed);
            if let Some(limits) = &state.address_limits {
                limits.record_failure(client);
            }
        }
        Err(ApiError::Throttled { .. }) => state.metrics.observe_login(LoginOutcome::Throttled),
        Err(_) => {}
    }
    result
}

/// The per-account part: admission, lookup, verification, reset.
async fn check_account(
    state: &AppState,
    email_input: &str,
    password: &str,
) -> Result<User, ApiError> {
    let email = Email::parse(email_input).ok();
    let key = account_key(email.as_ref().map_or(email_input.trim(), Email::as_str));
    let policy = state.account_policy.clone();
    let now_ms = db::now_millis();
    let admit_key = key.clone();
    let (admission, user) = db::run(&state.pool, move |conn| {
        let admission = login_failures::admit(conn, &admit_key, &policy, now_ms)?;
        let user = match (&admission, &email) {
            (Admission::Admitted, Some(email)) => users::find_by_email(conn, email.as_str())?,
            _ => None,
        };
        Ok((admission, user))
    })
    .await?;
    if let Admission::Wait(ms) = admission {
        tracing::info!(
            event = "login_throttled",
            scope = "account",
            "too many failed logins for this account"
        );
        return Err(ApiError::Throttled {
            retry_after: (ms as u64).div_ceil(1000).max(1),
        });
    }
    // Over-long input is refused unhashed, but still counted above.
    if password.len() > LOGIN_PASSWORD_MAX_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    let password = Password::for_login(password);
    let stored = user.as_ref().map_or_else(
        || state.hasher.dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let (verification, ran) = state.hasher.verify_timed(password, stored).await?;
    match (user, verification) {
        (Some(user), Verification::Match { upgraded }) if !user.disabled => {
            let (id, old_hash) = (user.id, user.password_hash.clone());
            let saved = db::run(&state.pool, move |conn| {
                login_failures::reset(conn, &key)?;
                if let Some(new_hash) = &upgraded {
                    users::upgrade_password_hash(conn, id, &old_hash, new_hash)?;
                }
                Ok(upgraded.is_some())
            })
            .await?;
            if saved {
                tracing::info!(
                    user_id = id,
                    "upgraded the password hash to the current argon2id parameters"
                );
            }
            Ok(user)
        }
        _ => {
            pad_failure(state, ran).await;
            Err(ApiError::InvalidCredentials)
        }
    }
}

/// Sleeps (holding no worker) until this failure has cost what one
/// against the dearest kind of stored hash costs, so that the time of a
/// failure tells nothing about the account (see [`failure_time`]).
async fn pad_failure(state: &AppState, ran: Duration) {
    if state.hasher.failure_time().claim_look() {
        time_stored_kinds(state).await;
    }
    let target = state.hasher.failure_time().target();
    tokio::time::sleep(target.saturating_sub(ran)).await;
}

/// Times once each kind of hash the database holds that no verification
/// has timed yet (imported users who have not tried to sign in, hashes
/// from before the argon2 cost was lowered).
async fn time_stored_kinds(state: &AppState) {
    let prefixes = match db::run(&state.pool, users::hash_kinds).await {
        Ok(prefixes) => prefixes,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the kinds of stored hashes");
            return;
        }
    };
    let samples: Vec<(String, String)> = prefixes
        .iter()
        .filter_map(|prefix| failure_time::sample_of(prefix))
        .map(|sample| (failure_time::kind_of(&sample), sample))
        .collect();
    let kinds: Vec<String> = samples.iter().map(|(kind, _)| kind.clone()).collect();
    let untimed = state.hasher.failure_time().present(&kinds);
    for (_, sample) in samples.into_iter().filter(|(k, _)| untimed.contains(k)) {
        // The sample matches no password but "secret123"; its time is
        // recorded by `verify_timed` itself.
        let password = Password::for_login("");
        if state.hasher.verify_timed(password, sample).await.is_err() {
            return;
        }
    }
}

/// The throttling key of an account: a SHA-256 of the normalised email,
/// so what people type into the email field is never stored.
fn account_key(email: &str) -> String {
    refresh::sha256_hex(email.to_lowercase().as_bytes())
}
