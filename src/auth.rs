//! Authentication, shared by every way in: look the user up, verify the
//! password on the bounded hasher, upgrade old hashes.

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

use credentials::{Email, LOGIN_PASSWORD_MAX_BYTES, Password};
use password::Verification;

use crate::db::{self, users, users::User};
use crate::error::ApiError;
use crate::state::AppState;

/// Checks an email and password. Unknown emails are verified against a
/// dummy hash and disabled users are refused after verification, so every
/// failure costs one verification and gives the same error.
pub async fn authenticate(state: &AppState, email: &str, password: &str) -> Result<User, ApiError> {
    if password.len() > LOGIN_PASSWORD_MAX_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    let password = Password::for_login(password);
    let user = match Email::parse(email) {
        Ok(email) => {
            db::run(&state.pool, move |conn| {
                users::find_by_email(conn, email.as_str())
            })
            .await?
        }
        Err(_) => None,
    };
    let stored = user.as_ref().map_or_else(
        || state.hasher.dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let verification = state.hasher.verify(password, stored).await?;
    match (user, verification) {
        (Some(user), Verification::Match { upgraded }) if !user.disabled => {
            if let Some(new_hash) = upgraded {
                store_upgrade(state, &user, new_hash).await;
            }
            Ok(user)
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// Saves an upgraded hash. A failure only delays the upgrade to the next
/// login, so it is logged, not returned.
async fn store_upgrade(state: &AppState, user: &User, new_hash: String) {
    let (id, old_hash) = (user.id, user.password_hash.clone());
    let saved = db::run(&state.pool, move |conn| {
        users::upgrade_password_hash(conn, id, &old_hash, &new_hash)
    })
    .await;
    match saved {
        Ok(()) => tracing::info!(
            user_id = id,
            "upgraded the password hash to the current argon2id parameters"
        ),
        Err(e) => {
            tracing::warn!(user_id = id, error = %e, "could not store an upgraded password hash")
        }
    }
}
