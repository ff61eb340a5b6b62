//! Why a policy decision refused or could not be made. `error::ApiError`
//! decides what a client sees of it; auth knows nothing of HTTP.

use super::hasher::Saturated;
use crate::db::DbError;

/// The ways a sign-in, a session change or a device check can fail.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong email or password, unknown or disabled user: one answer for all.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A scope was asked for that is not held.
    #[error("scope not granted: {0}")]
    InvalidScope(String),
    #[error("password hashing saturated")]
    HashingSaturated,
    /// Too many failed logins for this account or from this address.
    #[error("throttled for {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error("database unavailable: {0}")]
    Database(#[from] DbError),
}

impl From<Saturated> for AuthError {
    fn from(_: Saturated) -> Self {
        Self::HashingSaturated
    }
}
