//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
//! Cookies"): a browser that signed in to an account before gets a cookie
//! naming that account, and its attempts on the account are throttled on a
//! counter of their own. Someone locking the account out by guessing does
//! not lock out its owner's own browser.
//!
//! The cookie is 256 random bits; the database keeps a SHA-256 of it with
//! the account it was earned for, so it cannot be forged or moved to
//! another account.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::AuthError;
use super::refresh::sha256_hex;
use crate::auth::random::random_token;
use crate::clock;
use crate::db::{self, trusted_devices};

use crate::state::AppState;

const TOKEN_BYTES: usize = 32;

/// How long a device stays trusted after it signed in.
pub const LIFETIME_SECONDS: i64 = 365 * 86_400;

/// The database's name for a presented device cookie, if it has the shape
/// of one.
pub fn cookie_hash(value: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    (bytes.len() == TOKEN_BYTES).then(|| sha256_hex(value.as_bytes()))
}

/// The throttling key of one trusted device on one account.
pub fn throttle_key(cookie_hash: &str) -> String {
    sha256_hex(format!("device:{cookie_hash}").as_bytes())
}

/// After a successful sign-in: a new cookie value to set, unless the
/// browser already holds a live one for this account.
pub async fn remember(
    state: &AppState,
    account_key: String,
    presented: Option<String>,
) -> Result<Option<String>, AuthError> {
    let fresh = random_token(TOKEN_BYTES);
    let fresh_hash = sha256_hex(fresh.as_bytes());
    let issued = db::run_not_changing_sessions(&state.pool, move |conn| {
        let now = clock::now_unix();
        if let Some(hash) = &presented
            && trusted_devices::is_trusted(conn, hash, &account_key, now)?
        {
            return Ok(false);
        }
        trusted_devices::insert(conn, &fresh_hash, &account_key, now, now + LIFETIME_SECONDS)?;
        Ok(true)
    })
    .await?;
    Ok(issued.then_some(fresh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_of_the_right_shape_are_looked_up() {
        assert!(cookie_hash("").is_none());
        assert!(cookie_hash("not base64 !").is_none());
        assert!(cookie_hash(&URL_SAFE_NO_PAD.encode([7u8; 16])).is_none());
        let value = URL_SAFE_NO_PAD.encode([7u8; 32]);
        assert_eq!(cookie_hash(&value), Some(sha256_hex(value.as_bytes())));
    }
}
