//! Authentication, shared by every way in: look the user up, verify the
//! password on the bounded hasher, upgrade old hashes.

pub mod address_limit;
pub mod client_address;
pub mod common_passwords;
pub mod cookies;
pub mod credentials;
pub mod csrf;
pub mod extract;
pub mod hasher;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod refresh;
pub mod scopes;
pub mod session;

use credentials::{Email, LOGIN_PASSWORD_MAX_BYTES, Password};
use password::Verification;

use std::net::IpAddr;

use crate::db::login_failures::{self, Admission};
use crate::db::{self, users, users::User};
use crate::error::ApiError;
use crate::metrics::LoginOutcome;
use crate::state::AppState;

/// Checks an email and password from `client`. Throttled attempts run no
/// hash. Unknown emails are verified against a dummy hash and disabled
/// users are refused after verification, so every admitted failure costs
/// one verification and gives the same error.
/// The user comes back with the hash the password matched (upgraded, if it
/// was), which [`session::open`] checks is still current.
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
    let verification = state.hasher.verify(password, stored).await?;
    match (user, verification) {
        (Some(mut user), Verification::Match { upgraded }) if !user.disabled => {
            let (id, old_hash) = (user.id, user.password_hash.clone());
            let saved = db::run(&state.pool, move |conn| {
                login_failures::reset(conn, &key)?;
                match upgraded {
                    Some(new_hash) => Ok(users::upgrade_password_hash(
                        conn, id, &old_hash, &new_hash,
                    )?
                    .then_some(new_hash)),
                    None => Ok(None),
                }
            })
            .await?;
            if let Some(new_hash) = saved {
                tracing::info!(
                    user_id = id,
                    "upgraded the password hash to the current argon2id parameters"
                );
                // The hash a session is opened against (see session::open).
                user.password_hash = new_hash;
            }
            Ok(user)
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// The throttling key of an account: a SHA-256 of the normalised email,
/// so what people type into the email field is never stored.
fn account_key(email: &str) -> String {
    refresh::sha256_hex(email.to_lowercase().as_bytes())
}
