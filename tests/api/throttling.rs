//! Brute force: per-account progressive delays shared through the
//! database, per-address limits, and no hashing for refused attempts.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{EMAIL, PASSWORD, TestApp, form};

const WRONG: &str = "definitely not the password";

async fn assert_throttled(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry_after >= 1);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "too_many_requests");
    assert!(body["detail"].is_string() && body["error_description"].is_string());
    retry_after
}

#[tokio::test]
async fn five_failures_are_free_then_the_account_waits() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    assert_eq!(assert_throttled(app.login(EMAIL, WRONG).await).await, 1);
    // The right password does not get through either, and is not hashed.
    assert_throttled(app.login(EMAIL, PASSWORD).await).await;
}

#[tokio::test]
async fn fifty_parallel_wrong_guesses_get_no_more_tries_than_the_policy_allows() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let guesses = (0..50).map(|_| app.login(EMAIL, WRONG));
    let responses = futures_util::future::join_all(guesses).await;
    let failed = responses.iter().filter(|r| r.status() == 401).count();
    let throttled = responses.iter().filter(|r| r.status() == 429).count();
    assert_eq!((failed, throttled), (5, 45));
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(
        metrics.contains("latchkey_logins_total{result=\"failed\"} 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("latchkey_logins_total{result=\"throttled\"} 45"),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_count_is_shared_by_the_form_and_the_token_endpoint_and_by_instances() {
    let app = TestApp::spawn().await;
    let other_instance = app.restart().await;
    for _ in 0..3 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    // Two more through the login form, on the other instance.
    let page = other_instance
        .client
        .get(other_instance.url("/login"))
        .send()
        .await
        .expect("request");
    let csrf = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("latchkey_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    let submit = || {
        other_instance
            .client
            .post(other_instance.url("/login"))
            .header("Cookie", format!("latchkey_csrf={csrf}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("username", "ALICE@example.com"),
                ("password", WRONG),
                ("csrf_token", &csrf),
            ]))
            .send()
    };
    assert_eq!(submit().await.expect("request").status(), 401);
    assert_eq!(submit().await.expect("request").status(), 401);

    let page = submit().await.expect("request");
    assert_eq!(page.status(), 429);
    assert!(page.headers().contains_key("retry-after"));
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("try again in 1 second")
    );
    assert_throttled(app.login(EMAIL, WRONG).await).await;
}

#[tokio::test]
async fn a_success_resets_the_count() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    for _ in 0..4 {
        assert_eq!(
            app.login(EMAIL, WRONG).await.status(),
            401,
            "a fresh start after a success"
        );
    }
}

#[tokio::test]
async fn unknown_accounts_are_throttled_alike() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(app.login("ghost@example.com", WRONG).await.status(), 401);
    }
    assert_throttled(app.login("Ghost@Example.com", WRONG).await).await;
}

#[tokio::test]
async fn the_daily_cap_blocks_until_the_day_is_over() {
    let app = TestApp::spawn_with(|s| {
        s.account_delays = vec![Duration::from_millis(1)];
        s.account_daily_limit = 8;
    })
    .await;
    for _ in 0..8 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
        tokio::time::sleep(Duration::from_millis(5)).await; // past the 1 ms wait
    }
    let wait = assert_throttled(app.login(EMAIL, PASSWORD).await).await;
    assert!(wait > 3600, "blocked for the rest of the day, got {wait} s");
}

#[tokio::test]
async fn per_address_failures_are_limited_and_x_forwarded_for_is_ignored_from_strangers() {
    let app = TestApp::spawn_with(|s| s.address_failure_limit = 3).await;
    for i in 0..3 {
        let response = app
            .client
            .post(app.url("/token"))
            .header("X-Forwarded-For", format!("203.0.113.{i}"))
            .form(&[
                ("username", format!("user{i}@example.com")),
                ("password", WRONG.to_owned()),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401);
    }
    let spoofed = app
        .client
        .post(app.url("/token"))
        .header("X-Forwarded-For", "198.51.100.99")
        .form(&[("username", "fresh@example.com"), ("password", WRONG)])
        .send()
        .await
        .expect("request");
    assert_throttled(spoofed).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_counted_apart() {
    let app = TestApp::spawn_with(|s| {
        s.address_failure_limit = 2;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("cidr")];
    })
    .await;
    let attempt = |client: &'static str, n: usize| {
        app.client
            .post(app.url("/token"))
            .header("X-Forwarded-For", format!("192.0.2.250, {client}"))
            .form(&[
                ("username", format!("{client}-{n}@example.com")),
                ("password", WRONG.to_owned()),
            ])
            .send()
    };
    for n in 0..2 {
        assert_eq!(
            attempt("203.0.113.7", n).await.expect("request").status(),
            401
        );
    }
    assert_throttled(attempt("203.0.113.7", 2).await.expect("request")).await;
    assert_eq!(
        attempt("203.0.113.8", 0).await.expect("request").status(),
        401,
        "another client"
    );
}

#[tokio::test]
async fn rate_limit_off_turns_off_per_address_limits_only() {
    let app = TestApp::spawn_with(|s| {
        s.address_failure_limit = 1;
        s.rate_limit = false;
    })
    .await;
    for i in 0..3 {
        let status = app
            .login(&format!("user{i}@example.com"), WRONG)
            .await
            .status();
        assert_eq!(status, 401, "no per-address limit");
    }
    for _ in 0..5 {
        app.login(EMAIL, WRONG).await;
    }
    assert_throttled(app.login(EMAIL, WRONG).await).await;
}

#[tokio::test]
async fn huge_passwords_are_refused_without_hashing_and_count_as_failures() {
    // Hashing so slow that a hashed attempt could not answer within a second.
    let app = TestApp::spawn_with(|s| s.argon2.t = 400).await;
    let huge = "x".repeat(10_000);
    for _ in 0..5 {
        let started = Instant::now();
        let response = app.login(EMAIL, &huge).await;
        assert_eq!(response.status(), 401);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused unhashed"
        );
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "invalid_grant");
    }
    assert_throttled(app.login(EMAIL, &huge).await).await;
}

#[tokio::test]
async fn unknown_emails_cost_as_much_time_as_wrong_passwords() {
    let app = TestApp::spawn_with(|s| {
        s.account_free_failures = 1000;
        s.rate_limit = false;
    })
    .await;
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
    let app = TestApp::spawn_with(|s| {
        s.account_free_failures = 1000;
        s.rate_limit = false;
    })
    .await;
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
    let app = TestApp::spawn_with(|s| {
        s.account_free_failures = 1000;
        s.rate_limit = false;
    })
    .await;
    let hash = bcrypt::hash(PASSWORD, 12).expect("bcrypt");
    assert_unknown_emails_cost_at_least_a_verification_of(&app, &hash).await;
}

/// The same after the argon2 cost was lowered: hashes made before are
/// dearer than today's dummy.
#[tokio::test]
async fn unknown_emails_cost_what_dearer_argon2_hashes_cost_before_any_is_tried() {
    let app = TestApp::spawn_with(|s| {
        s.account_free_failures = 1000;
        s.rate_limit = false;
        s.argon2 = crate::helpers::CHEAP_ARGON2;
    })
    .await;
    let default_cost = latchkey::config::Argon2Cost {
        m_kib: 19456,
        t: 2,
        p: 1,
    };
    let hash = latchkey::auth::password::hash(
        default_cost,
        &latchkey::auth::credentials::Password::for_login(PASSWORD),
    )
    .expect("hash");
    assert_unknown_emails_cost_at_least_a_verification_of(&app, &hash).await;
}

/// Stores `hash` for an account nobody tries, then checks that failed
/// logins of unknown emails take about as long as verifying it.
async fn assert_unknown_emails_cost_at_least_a_verification_of(app: &TestApp, hash: &str) {
    app.insert_user("untried@example.com", hash, &[]);
    let started = Instant::now();
    let wrong = latchkey::auth::credentials::Password::for_login(WRONG);
    let verified = latchkey::auth::password::verify(app.settings.argon2, &wrong, hash);
    assert_eq!(verified, latchkey::auth::password::Verification::Mismatch);
    let verification = started.elapsed().as_secs_f64();
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
    let app = TestApp::spawn_with(|s| {
        s.account_free_failures = 1000;
        s.rate_limit = false;
    })
    .await;
    // A hash from before LATCHKEY_ARGON2_* was raised.
    let hash = latchkey::auth::password::hash(
        crate::helpers::CHEAP_ARGON2,
        &latchkey::auth::credentials::Password::for_login(PASSWORD),
    )
    .expect("hash");
    app.insert_user("veteran@example.com", &hash, &[]);
    assert_same_time_as_unknown(&app, "veteran@example.com").await;
}

/// Throttling counts failures, not attempts in flight: eight clients
/// logging in to one account with the right password, more at once than
/// the free failures, are never refused for each other. Each success also
/// deletes the account's counter row while other logins update it; on
/// PostgreSQL a check-then-insert lost that race (a 503 now and then).
#[tokio::test]
async fn concurrent_right_logins_of_one_account_all_succeed() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let clients = (0..8).map(|_| {
        let (client, url) = (app.client.clone(), app.url("/token"));
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..40 {
                let response = client
                    .post(&url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form(&[("username", EMAIL), ("password", PASSWORD)]))
                    .send()
                    .await
                    .expect("POST /token");
                statuses.push(response.status().as_u16());
            }
            statuses
        })
    });
    let mut statuses = Vec::new();
    for client in clients.collect::<Vec<_>>() {
        statuses.extend(client.await.expect("client task"));
    }
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
}

#[tokio::test]
async fn sixteen_parallel_right_logins_of_one_account_get_no_429() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let logins = (0..16).map(|_| app.login(EMAIL, PASSWORD));
    let statuses: Vec<u16> = futures_util::future::join_all(logins)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    // And none of them left a failure behind: five wrong guesses are
    // still free.
    for _ in 0..5 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    assert_throttled(app.login(EMAIL, WRONG).await).await;
}

#[tokio::test]
async fn parallel_wrong_guesses_on_two_instances_get_no_more_tries_than_the_policy_allows() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let other = app.restart_with(|s| s.rate_limit = false).await;
    let guesses = (0..40).map(|i| {
        if i % 2 == 0 {
            app.login(EMAIL, WRONG)
        } else {
            other.login(EMAIL, WRONG)
        }
    });
    let responses = futures_util::future::join_all(guesses).await;
    let failed = responses.iter().filter(|r| r.status() == 401).count();
    let throttled = responses.iter().filter(|r| r.status() == 429).count();
    assert_eq!((failed, throttled), (5, 35));
}

#[tokio::test]
async fn an_attempt_answered_503_counts_as_no_failure() {
    let app = TestApp::spawn_with(|s| {
        s.rate_limit = false;
        s.hash_workers = 1;
        s.hash_queue = 1;
        // Slow enough that parallel attempts find the one worker busy.
        s.argon2.t = 40;
    })
    .await;
    let burst = (0..4).map(|_| app.login(EMAIL, WRONG));
    let statuses: Vec<u16> = futures_util::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let failed = statuses.iter().filter(|&&s| s == 401).count();
    let refused = statuses.iter().filter(|&&s| s == 503).count();
    assert!(refused > 0 && failed + refused == 4, "{statuses:?}");
    // Only the checked ones used up free failures.
    for _ in failed..5 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    assert_throttled(app.login(EMAIL, WRONG).await).await;
}
