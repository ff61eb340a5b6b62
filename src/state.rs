//! Everything a request handler may reach, built once per server. No global
//! state: each test server gets its own.

use crate::auth::account_waiters::AccountWaiters;
use crate::auth::address_limit::AddressLimits;
use crate::auth::hasher::Hasher;
use crate::auth::jwt::TokenSigner;
use crate::auth::live_sessions::LiveSessions;
use crate::auth::throttled_accounts::ThrottledAccounts;
use crate::config::Settings;
use crate::db::DbPool;
use crate::db::login_failures::AccountPolicy;
use crate::mail::Mailer;
use crate::metrics::Metrics;

pub struct AppState {
    pub pool: DbPool,
    pub hasher: Hasher,
    /// Signs and verifies access tokens.
    pub signer: std::sync::Arc<TokenSigner>,
    pub settings: Settings,
    pub account_policy: AccountPolicy,
    /// Attempts waiting for an account's unsettled attempts.
    pub account_waiters: AccountWaiters,
    /// Accounts just seen throttled, refused from memory for a while.
    pub throttled_accounts: ThrottledAccounts,
    /// Sessions just found live, trusted from memory while nothing changed.
    pub live_sessions: LiveSessions,
    /// `None` when `LATCHKEY_RATE_LIMIT=off`.
    pub address_limits: Option<AddressLimits>,
    /// The one-time token of `/setup`, while the database holds no user.
    pub setup_token: Option<String>,
    pub metrics: Metrics,
    /// The WebAuthn relying party; `None` without `LATCHKEY_PUBLIC_URL`,
    /// and then no page offers passkeys.
    pub passkeys: Option<webauthn_rs::Webauthn>,
    /// `None` when e-mail is off (see [`crate::mail`]).
    pub mail: Option<Mailer>,
    /// Per-address limit on "forgot password" requests; `None` when
    /// `LATCHKEY_RATE_LIMIT=off`.
    pub reset_limits: Option<AddressLimits>,
}
