//! Authentication, shared by every way in: look the user up, verify the
//! password on the bounded hasher, upgrade old hashes.

pub mod account_waiters;
pub mod address_limit;
pub mod authorization;
pub mod clients;
pub mod common_passwords;
pub mod credentials;
pub mod device;
mod error;
pub mod failure_time;
pub mod hasher;
pub mod id_token;
pub mod jwt;
pub mod keys;
pub mod live_sessions;
pub mod passkeys;
pub mod password;
pub mod password_link;
pub mod pkce;
pub mod random;
pub mod refresh;
pub mod rotation;
pub mod scopes;
pub mod second_factor;
pub mod session;
pub mod throttled_accounts;
pub mod totp;

pub use error::AuthError;

use credentials::{Email, LOGIN_PASSWORD_MAX_BYTES, Password};
use password::Verification;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::clock;
use crate::db::login_failures::{self, Admission, Outcome};
use crate::db::{self, trusted_devices, users, users::User};

use crate::metrics::LoginOutcome;
use crate::state::AppState;

/// Checks an email and password from `client`, whose browser may hold a
/// device cookie (`device`) for the account. Throttled attempts run no
/// hash. Unknown emails are verified against a dummy hash and disabled
/// users are refused after verification, so every admitted failure costs
/// one verification, padded to the dearest kind of stored hash, and gives
/// the same error. The user comes back with the hash the password matched
/// (upgraded, if it was), which [`session::open`] checks is still current.
#[tracing::instrument(skip_all, fields(client = %client))]
pub async fn authenticate(
    state: &AppState,
    client: IpAddr,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> Result<User, AuthError> {
    if let Some(limits) = &state.address_limits
        && let Err(wait) = limits.admit(client)
    {
        tracing::info!(event = "login_throttled", scope = "address", client = %client, "too many attempts from this address");
        state.metrics.observe_login(LoginOutcome::Throttled);
        return Err(AuthError::Throttled {
            retry_after: wait.as_secs().max(1),
        });
    }
    // While the hashing pool is full (all the time under a login flood),
    // an attempt is turned away (503) before it costs a database round:
    // admitting it, then settling it as abandoned. Attempts on one account
    // that wait for each other hold no place, so they pass here.
    if !state.hasher.has_room() {
        return Err(AuthError::HashingSaturated);
    }
    let result = check_account(state, email, password, device).await;
    match &result {
        Ok(_) => state.metrics.observe_login(LoginOutcome::Succeeded),
        Err(AuthError::InvalidCredentials) => {
            state.metrics.observe_login(LoginOutcome::Failed);
            if let Some(limits) = &state.address_limits {
                limits.record_failure(client);
            }
        }
        Err(AuthError::Throttled { .. }) => state.metrics.observe_login(LoginOutcome::Throttled),
        Err(_) => {}
    }
    result
}

/// How long an attempt waits for the account's unsettled attempts before
/// it is answered `503` (never `429`: nothing failed). What it waits for is
/// a few verifications queued on the bounded hasher, so this is reached
/// only when the machine is overloaded; a bound of a few hundred
/// milliseconds turned sixteen parallel right logins into `503`s on a
/// loaded 2-core machine. A waiting attempt costs a connection, no CPU.
const ADMISSION_WAIT: Duration = Duration::from_secs(5);

/// At most this many attempts on one account wait at once; more get `503`
/// at once, as a full hashing queue answers.
const WAITERS_PER_ACCOUNT: usize = 64;

/// How often a waiting attempt looks again without being woken: attempts
/// settled by another instance wake nobody here. Not too often: dozens of
/// waiters looking every few milliseconds starved the settling of the
/// very attempts they waited for.
const ADMISSION_POLL: Duration = Duration::from_millis(100);

/// The per-account part: admission, lookup, verification, settling.
async fn check_account(
    state: &AppState,
    email_input: &str,
    password: &str,
    device: Option<&str>,
) -> Result<User, AuthError> {
    let email = Email::parse(email_input).ok();
    let account = account_key(email.as_ref().map_or(email_input.trim(), Email::as_str));
    let device_hash = device.and_then(device::cookie_hash);
    // Throttled a moment ago, as the database told this instance: refused
    // from memory. A browser with a device cookie asks the database, which
    // may throttle it on a counter of its own.
    if device_hash.is_none()
        && let Some(ms) = state
            .throttled_accounts
            .remaining_ms(&account, clock::now_millis())
    {
        tracing::info!(
            event = "login_throttled",
            scope = "account",
            "too many failed logins for this account"
        );
        return Err(AuthError::Throttled {
            retry_after: (ms as u64).div_ceil(1000).max(1),
        });
    }
    let Some(waiter) = state
        .account_waiters
        .subscribe(&account, WAITERS_PER_ACCOUNT)
    else {
        tracing::info!(
            event = "login_busy",
            "too many attempts waiting on this account; answered 503"
        );
        return Err(AuthError::HashingSaturated);
    };
    let deadline = Instant::now() + ADMISSION_WAIT;
    let notice_to = email.clone();
    let (attempt, user) = loop {
        let woken = waiter.notify.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let policy = state.account_policy.clone();
        let (for_db, device_hash, email) = (account.clone(), device_hash.clone(), email.clone());
        let (key, admission, user) = db::run_not_changing_sessions(&state.pool, move |conn| {
            let now = clock::now_unix();
            let key = match &device_hash {
                Some(hash) if trusted_devices::is_trusted(conn, hash, &for_db, now)? => {
                    device::throttle_key(hash)
                }
                _ => for_db,
            };
            let now_ms = clock::now_millis();
            let admission = match login_failures::peek(conn, &key, &policy, now_ms)? {
                Some(refused) => refused,
                None => login_failures::admit(conn, &key, &policy, now_ms)?,
            };
            let user = match (&admission, &email) {
                (Admission::Admitted, Some(email)) => users::find_by_email(conn, email.as_str())?,
                _ => None,
            };
            Ok((key, admission, user))
        })
        .await?;
        match admission {
            Admission::Admitted => break (Attempt::new(state, key, account.clone()), user),
            Admission::Wait(ms) => {
                tracing::info!(
                    event = "login_throttled",
                    scope = "account",
                    "too many failed logins for this account"
                );
                // The account's own counter, not a trusted device's.
                if key == account {
                    state
                        .throttled_accounts
                        .remember(&account, ms, clock::now_millis());
                    if let Some(email) = &notice_to {
                        crate::mail::notify(
                            state,
                            email.as_str(),
                            crate::mail::Notice::AccountThrottled,
                            // A notice about someone else's attempts: not
                            // in the language of whoever is trying.
                            state.settings.default_language,
                        );
                    }
                }
                return Err(AuthError::Throttled {
                    retry_after: (ms as u64).div_ceil(1000).max(1),
                });
            }
            Admission::Busy => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    tracing::info!(
                        event = "login_busy",
                        "attempts on this account still being checked; answered 503"
                    );
                    return Err(AuthError::HashingSaturated);
                }
                let _ = tokio::time::timeout(left.min(ADMISSION_POLL), woken).await;
            }
        }
    };
    drop(waiter);
    // Over-long input is refused unhashed, but still counts as a failure.
    if password.len() > LOGIN_PASSWORD_MAX_BYTES {
        attempt.settle(Outcome::Failed, None).await?;
        return Err(AuthError::InvalidCredentials);
    }
    let password = Password::for_login(password);
    let stored = user.as_ref().map_or_else(
        || state.hasher.dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let (verification, ran) = match state.hasher.verify_timed(password, stored).await {
        Ok(done) => done,
        Err(saturated) => {
            // Not checked: it counts as nothing.
            attempt.settle(Outcome::Abandoned, None).await?;
            return Err(saturated.into());
        }
    };
    match (user, verification) {
        (Some(mut user), Verification::Match { upgraded }) if !user.disabled => {
            let upgrade = upgraded.map(|new_hash| HashUpgrade {
                user_id: user.id,
                old_hash: user.password_hash.clone(),
                new_hash,
            });
            let new_hash = upgrade.as_ref().map(|u| u.new_hash.clone());
            if attempt.settle(Outcome::Succeeded, upgrade).await?
                && let Some(new_hash) = new_hash
            {
                tracing::info!(
                    user_id = user.id,
                    "upgraded the password hash to the current argon2id parameters"
                );
                // The hash a session is opened against (see session::open).
                user.password_hash = new_hash;
            }
            Ok(user)
        }
        _ => {
            attempt.settle(Outcome::Failed, None).await?;
            pad_failure(state, ran).await;
            Err(AuthError::InvalidCredentials)
        }
    }
}

/// A stored hash to replace after a successful verification.
struct HashUpgrade {
    user_id: i64,
    old_hash: String,
    new_hash: String,
}

/// An admitted attempt. It is settled exactly once; one that is dropped
/// unsettled (the client went away mid-check) is settled as abandoned in
/// the background, so it never holds the account's allowance for long.
struct Attempt<'a> {
    state: &'a AppState,
    /// The counter it is throttled on (the account's, or a device's).
    key: String,
    /// The account, whose waiters it wakes.
    account: String,
    settled: bool,
}

impl<'a> Attempt<'a> {
    fn new(state: &'a AppState, key: String, account: String) -> Self {
        Self {
            state,
            key,
            account,
            settled: false,
        }
    }

    /// Records the outcome (and a hash upgrade with a success), then wakes
    /// the attempts waiting on the account. Returns whether the hash was
    /// upgraded (not when a password change got there first).
    async fn settle(
        mut self,
        outcome: Outcome,
        upgrade: Option<HashUpgrade>,
    ) -> Result<bool, AuthError> {
        self.settled = true;
        let state = self.state;
        let (key, policy) = (self.key.clone(), state.account_policy.clone());
        let upgrades = upgrade.is_some();
        let work = move |conn: &mut db::AnyConnection| {
            login_failures::settle(conn, &key, &policy, outcome, clock::now_millis())?;
            match &upgrade {
                Some(u) => users::upgrade_password_hash(conn, u.user_id, &u.old_hash, &u.new_hash),
                None => Ok(false),
            }
        };
        let upgraded = if upgrades {
            db::run(&state.pool, work).await
        } else {
            db::run_not_changing_sessions(&state.pool, work).await
        };
        state.account_waiters.wake(&self.account, outcome);
        Ok(upgraded?)
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (pool, key, policy) = (
            self.state.pool.clone(),
            self.key.clone(),
            self.state.account_policy.clone(),
        );
        tokio::spawn(async move {
            let abandoned = db::run_not_changing_sessions(&pool, move |conn| {
                login_failures::settle(conn, &key, &policy, Outcome::Abandoned, clock::now_millis())
            })
            .await;
            if let Err(e) = abandoned {
                tracing::warn!(error = %e, "could not settle an abandoned login attempt; its lease will run out");
            }
        });
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
pub fn account_key(email: &str) -> String {
    refresh::sha256_hex(email.to_lowercase().as_bytes())
}
