//! Everything the server holds, built once before it listens, one named
//! step at a time. All of it blocks (file and database I/O, a hash), so
//! `serve::run` runs it off the async thread.

use std::sync::Arc;

use anyhow::Context;

use super::prepare_data_dir;
use crate::auth::address_limit::{AddressLimits, AddressPolicy};
use crate::auth::hasher::Hasher;
use crate::auth::jwt::TokenSigner;
use crate::auth::keys::{KeyRing, StoredKey, ring_algorithms};
use crate::auth::random::random_token;
use crate::config::Settings;
use crate::db::login_failures::AccountPolicy;
use crate::db::{self, DbPool};
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::state::AppState;

pub(super) fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    warn_if_secret_unused(&settings);
    let keeps_secret = settings.signing_secret().is_none();
    prepare_data_dir(&settings, keeps_secret)?;
    let pool = open_database(&settings)?;
    let signer = start_signer(&settings)?;
    let hasher = Hasher::start(settings.hash_workers, settings.hash_queue, settings.argon2)?;
    let setup_token = setup_token_if_empty(&pool)?;
    let passkeys = passkey_relying_party(&settings);
    let mail = Mailer::start(&settings)?;
    Ok(AppState {
        mail,
        reset_limits: reset_limits(&settings),
        pool,
        hasher,
        signer,
        account_policy: account_policy(&settings),
        address_limits: address_limits(&settings),
        settings,
        account_waiters: Default::default(),
        throttled_accounts: Default::default(),
        live_sessions: Default::default(),
        setup_token,
        metrics: Metrics::default(),
        passkeys,
    })
}

/// Passkeys are bound to the site's host name, which only
/// `LATCHKEY_PUBLIC_URL` states reliably (a `Host` header is the client's
/// to choose); without it they are off, and the log says so once.
fn passkey_relying_party(settings: &Settings) -> Option<webauthn_rs::Webauthn> {
    let Some(url) = &settings.public_url else {
        tracing::warn!(
            "passkeys are off: set LATCHKEY_PUBLIC_URL (the address people open) to offer them"
        );
        return None;
    };
    match crate::auth::passkeys::relying_party(url) {
        Ok(relying_party) => Some(relying_party),
        Err(e) => {
            tracing::warn!("passkeys are off: {e}");
            None
        }
    }
}

fn warn_if_secret_unused(settings: &Settings) {
    if settings.signing_secret().is_none() && settings.jwt_secret.is_some() {
        tracing::warn!(
            "LATCHKEY_JWT_SECRET is unused with LATCHKEY_JWT_ALG=EdDSA; the key ring signs"
        );
    }
}

/// Migrates, then opens the pool and starts watching for changes made
/// elsewhere (without which nothing read is remembered).
fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = &settings.database_url.url();
    tracing::info!("using {}", db::describe(url));
    // Its errors name the database and the cause already.
    let applied = db::migrate(url)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    let pool = db::build_pool(url).map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    pool.watch_changes(url)
        .context("cannot start the thread that watches the database")?;
    Ok(pool)
}

/// The signer over the shared secret, or over the key ring in the data dir
/// (created on first start, then watched for rotations).
fn start_signer(settings: &Settings) -> anyhow::Result<Arc<TokenSigner>> {
    let shared_secret = settings.signing_secret().map(StoredKey::from_secret);
    // The ring always holds the keys that sign id_tokens; with a shared
    // secret it holds nothing else.
    let algs = ring_algorithms(settings.jwt_alg, shared_secret.is_some());
    let ring = KeyRing::load_or_create(&settings.data_dir, &algs, settings.access_ttl)?;
    let signer = Arc::new(TokenSigner::new(
        &ring,
        Some(KeyRing::path(&settings.data_dir)),
        shared_secret,
        settings.jwt_alg,
        &settings.issuer,
        settings.audience.as_deref(),
        settings.access_ttl,
    )?);
    signer.watch();
    Ok(signer)
}

/// The one-time token of `/setup`, while the database holds no user.
fn setup_token_if_empty(pool: &DbPool) -> anyhow::Result<Option<String>> {
    let mut conn = pool.get().context("cannot open the database")?;
    Ok((db::users::count(&mut conn)? == 0).then(|| random_token(24)))
}

fn account_policy(settings: &Settings) -> AccountPolicy {
    AccountPolicy {
        free_failures: i64::from(settings.account_free_failures),
        delays_ms: settings
            .account_delays
            .iter()
            .map(|d| d.as_millis() as i64)
            .collect(),
        daily_limit: i64::from(settings.account_daily_limit),
    }
}

/// "Forgot password?" requests per client address: a few per quarter of an
/// hour is all a person needs. `None` when `LATCHKEY_RATE_LIMIT=off`.
fn reset_limits(settings: &Settings) -> Option<AddressLimits> {
    settings.rate_limit.then(|| {
        AddressLimits::new(AddressPolicy {
            failure_limit: 5,
            failure_window: std::time::Duration::from_secs(15 * 60),
            attempts_per_minute: 5,
        })
    })
}

/// `None` when `LATCHKEY_RATE_LIMIT=off`.
fn address_limits(settings: &Settings) -> Option<AddressLimits> {
    settings.rate_limit.then(|| {
        AddressLimits::new(AddressPolicy {
            failure_limit: settings.address_failure_limit,
            failure_window: settings.address_failure_window,
            attempts_per_minute: settings.address_attempt_limit,
        })
    })
}
