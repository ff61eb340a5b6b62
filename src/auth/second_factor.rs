//! The second factor as policy: whether a person has one, the challenge
//! between the password and the code, and checking a code (TOTP or
//! recovery) once, throttled on the same per-account counter as
//! passwords, shared by every instance.

use super::refresh::sha256_hex;
use super::{AuthError, account_key, random::random_token, totp};
use crate::clock::{now_millis, now_unix};
use crate::db::login_failures::{self, Admission, Outcome};
use crate::db::passkeys;
use crate::db::second_factor::{self, Challenge};
use crate::db::{self, users::User};
use crate::state::AppState;

/// How long a person has to enter the code after the password.
pub const CHALLENGE_SECONDS: i64 = 300;

/// How a code was accepted, for `amr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Totp,
    RecoveryCode,
}

/// Whether `user` must give a second factor after the password: an
/// authenticator app that is on, or any passkey (a passkey is a second
/// factor wherever one is asked for).
pub async fn required(state: &AppState, user_id: i64) -> Result<bool, AuthError> {
    Ok(db::run_not_changing_sessions(&state.pool, move |conn| {
        Ok(second_factor::is_enabled(conn, user_id)? || passkeys::has_any(conn, user_id)?)
    })
    .await?)
}

/// Opens a challenge for `user`, whose password (`user.password_hash`)
/// was just verified; returns the token the browser keeps.
pub async fn open_challenge(
    state: &AppState,
    user: &User,
    next: &str,
) -> Result<String, AuthError> {
    let token = random_token(32);
    let challenge = Challenge {
        token_hash: sha256_hex(token.as_bytes()),
        user_id: user.id,
        verified_hash: user.password_hash.clone(),
        next: next.to_owned(),
        expires_at: now_unix() + CHALLENGE_SECONDS,
    };
    db::run(&state.pool, move |conn| {
        second_factor::insert_challenge(conn, &challenge)
    })
    .await?;
    Ok(token)
}

/// The live challenge of `token`, with its user (who must still have the
/// password that was verified, and not be disabled).
pub async fn find_challenge(
    state: &AppState,
    token: &str,
) -> Result<Option<(Challenge, User)>, AuthError> {
    let hash = sha256_hex(token.as_bytes());
    let found = db::run(&state.pool, move |conn| {
        let Some(challenge) = second_factor::challenge(conn, &hash)? else {
            return Ok(None);
        };
        let user = crate::db::users::find_by_id(conn, challenge.user_id)?;
        Ok(user.map(|u| (challenge, u)))
    })
    .await?;
    Ok(found.filter(|(challenge, user)| {
        !user.disabled && user.password_hash == challenge.verified_hash
    }))
}

/// Ends a challenge once met.
pub async fn close_challenge(state: &AppState, token_hash: String) -> Result<(), AuthError> {
    Ok(db::run(&state.pool, move |conn| {
        second_factor::delete_challenge(conn, &token_hash)
    })
    .await?)
}

/// Checks `code` for `user`: a TOTP code for a time step not used before,
/// or an unused recovery code. A wrong code is a failed sign-in on the
/// account's counter; a throttled account checks nothing.
pub async fn check_code(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Option<Accepted>, AuthError> {
    let key = account_key(&user.email);
    let policy = state.account_policy.clone();
    let for_admission = key.clone();
    let admission = db::run(&state.pool, move |conn| {
        let now = now_millis();
        match login_failures::peek(conn, &for_admission, &policy, now)? {
            Some(refused) => Ok(refused),
            None => login_failures::admit(conn, &for_admission, &policy, now),
        }
    })
    .await?;
    match admission {
        Admission::Admitted => {}
        Admission::Wait(ms) => {
            return Err(AuthError::Throttled {
                retry_after: (ms as u64).div_ceil(1000).max(1),
            });
        }
        // Another attempt on the account is being checked: try shortly.
        Admission::Busy => return Err(AuthError::Throttled { retry_after: 1 }),
    }
    let (user_id, code, policy) = (user.id, code.to_owned(), state.account_policy.clone());
    let accepted = db::run(&state.pool, move |conn| {
        let accepted = match second_factor::totp_of(conn, user_id)? {
            Some(totp) if totp.enabled_at.is_some() => {
                match totp::matching_step(&totp.secret, &code, now_unix(), totp.last_step) {
                    Some(step) => {
                        second_factor::claim_step(conn, user_id, step)?.then_some(Accepted::Totp)
                    }
                    None => {
                        let hash = sha256_hex(totp::normalise_recovery_code(&code).as_bytes());
                        second_factor::claim_recovery_code(conn, user_id, &hash)?
                            .then_some(Accepted::RecoveryCode)
                    }
                }
            }
            _ => None,
        };
        let outcome = if accepted.is_some() {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        };
        login_failures::settle(conn, &key, &policy, outcome, now_millis())?;
        Ok(accepted)
    })
    .await?;
    Ok(accepted)
}

/// The hashes of recovery codes, as stored.
pub fn recovery_hashes(codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| sha256_hex(c.as_bytes())).collect()
}
