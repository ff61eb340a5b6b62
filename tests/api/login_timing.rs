//! Failed logins of unknown emails take as long as wrong passwords of real
//! accounts, whatever their hashes: the time of an answer does not tell
//! which emails have accounts.

use std::time::Instant;

use latchkey::auth::credentials::Password;
use latchkey::auth::password::{self, Verification};
use latchkey::config::{Argon2Cost, Settings};

use crate::support::{CHEAP_ARGON2, EMAIL, PASSWORD, TestApp};
use crate::throttling::WRONG;

/// No throttling in the way of the many failed logins these tests time.
fn unthrottled(settings: &mut Settings) {
    settings.account_free_failures = 1000;
    settings.rate_limit = false;
}

#[tokio::test]
async fn unknown_emails_cost_as_much_time_as_wrong_passwords() {
    let app = TestApp::spawn_with(unthrottled).await;
    assert_same_time_as_unknown(&app, EMAIL).await;
}

/// Pairs of failed logins, `known` and an unknown email: the median of
/// their time ratios must be near 1. Pairs taken back to back share
/// whatever else the machine is doing; the median shrugs off the pairs
/// that a burst of noise hit.
async fn assert_same_time_as_unknown(app: &TestApp, known: &'static str) {
    let timed = |email: &'static str| async move {
        let started = Instant::now();
        assert_eq!(app.login(email, WRONG).await.status(), 401);
        started.elapsed().as_secs_f64()
    };
    let mut ratios = Vec::new();
    for i in 0..21 {
        // Alternate which goes first, so order effects cancel out.
        let (known, unknown) = if i % 2 == 0 {
            (timed(known).await, timed("nobody@example.com").await)
        } else {
            let unknown = timed("nobody@example.com").await;
            (timed(known).await, unknown)
        };
        ratios.push(unknown / known);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    assert!(
        (0.67..1.5).contains(&median),
        "an unknown email takes {median:.2} times as long as a wrong password for {known} (all ratios: {ratios:.2?})"
    );
}

#[tokio::test]
async fn unknown_emails_cost_as_much_time_as_wrong_passwords_of_imported_bcrypt_12_accounts() {
    let app = TestApp::spawn_with(unthrottled).await;
    // What `user import` stores for a passlib user: bcrypt at cost 12,
    // about ten times dearer than today's argon2id.
    let hash = bcrypt::hash(PASSWORD, 12).expect("bcrypt");
    app.insert_user("imported@example.com", &hash, &[]);
    assert_same_time_as_unknown(&app, "imported@example.com").await;
}

/// The first probe after an import must not tell either: before any of
/// the imported accounts is tried, unknown emails already cost what their
/// bcrypt hashes cost.
#[tokio::test]
async fn unknown_emails_cost_what_imported_bcrypt_hashes_cost_before_any_is_tried() {
    let app = TestApp::spawn_with(unthrottled).await;
    let hash = bcrypt::hash(PASSWORD, 12).expect("bcrypt");
    assert_unknown_emails_cost_at_least_a_verification_of(&app, &hash).await;
}

/// The same after the argon2 cost was lowered: hashes made before are
/// dearer than today's dummy.
#[tokio::test]
async fn unknown_emails_cost_what_dearer_argon2_hashes_cost_before_any_is_tried() {
    let app = TestApp::spawn_with(|s| {
        unthrottled(s);
        s.argon2 = CHEAP_ARGON2;
    })
    .await;
    let default_cost = Argon2Cost {
        m_kib: 19456,
        t: 2,
        p: 1,
    };
    let hash = password::hash(default_cost, &Password::for_login(PASSWORD)).expect("hash");
    assert_unknown_emails_cost_at_least_a_verification_of(&app, &hash).await;
}

/// Stores `hash` for an account nobody tries, then checks that failed
/// logins of unknown emails take about as long as verifying it.
async fn assert_unknown_emails_cost_at_least_a_verification_of(app: &TestApp, hash: &str) {
    app.insert_user("untried@example.com", hash, &[]);
    // The server times the kind once, maybe while other tests leave the
    // cores free: compare with the quickest of a few verifications here,
    // not with one that a busy moment made slow.
    let wrong = Password::for_login(WRONG);
    let verification = (0..3)
        .map(|_| {
            let started = Instant::now();
            let verified = password::verify(app.settings.argon2, &wrong, hash);
            assert_eq!(verified, Verification::Mismatch);
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(app.login("nobody@example.com", WRONG).await.status(), 401);
        let unknown = started.elapsed().as_secs_f64();
        assert!(
            unknown > 0.67 * verification,
            "an unknown email took {unknown:.3} s, verifying the untried hash {verification:.3} s"
        );
    }
}

#[tokio::test]
async fn unknown_emails_cost_as_much_time_as_wrong_passwords_of_hashes_older_and_cheaper() {
    let app = TestApp::spawn_with(unthrottled).await;
    // A hash from before LATCHKEY_ARGON2_* was raised.
    let hash = password::hash(CHEAP_ARGON2, &Password::for_login(PASSWORD)).expect("hash");
    app.insert_user("veteran@example.com", &hash, &[]);
    assert_same_time_as_unknown(&app, "veteran@example.com").await;
}
