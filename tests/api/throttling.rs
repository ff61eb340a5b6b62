//! Brute force: per-account progressive delays shared through the
//! database, per-address limits, and no hashing for refused attempts.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::browser_flow::open_login;
use crate::support::{EMAIL, PASSWORD, TestApp, assert_page_headers, form};

pub const WRONG: &str = "definitely not the password";

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
    let wait = if retry_after == 1 {
        "1 second".to_owned()
    } else {
        format!("{retry_after} seconds")
    };
    assert_eq!(
        body["detail"],
        format!("Too many failed attempts; try again in {wait}")
    );
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
    let metrics = app.get("/metrics").await.text().await.expect("body");
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
    let other_instance = app.restart_with(|_| {}).await;
    for _ in 0..3 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    // Two more through the login form, on the other instance.
    let login = open_login(&other_instance).await;
    let (other_instance, login) = (&other_instance, &login);
    let submit = || async move {
        other_instance
            .post_form_with(
                "/login",
                &[
                    ("username", "ALICE@example.com"),
                    ("password", WRONG),
                    ("csrf_token", &login.csrf),
                ],
                &[("Cookie", &login.cookie())],
            )
            .await
    };
    assert_eq!(submit().await.status(), 401);
    assert_eq!(submit().await.status(), 401);

    let page = submit().await;
    assert_eq!(page.status(), 429);
    assert_page_headers(&page);
    assert!(page.headers().contains_key("retry-after"));
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("try again in 1 second.")
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
            .post_form_with(
                "/token",
                &[
                    ("username", &format!("user{i}@example.com")),
                    ("password", WRONG),
                ],
                &[("X-Forwarded-For", &format!("203.0.113.{i}"))],
            )
            .await;
        assert_eq!(response.status(), 401);
    }
    let spoofed = app
        .post_form_with(
            "/token",
            &[("username", "fresh@example.com"), ("password", WRONG)],
            &[("X-Forwarded-For", "198.51.100.99")],
        )
        .await;
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
        let app = &app;
        async move {
            app.post_form_with(
                "/token",
                &[
                    ("username", &format!("{client}-{n}@example.com")),
                    ("password", WRONG),
                ],
                &[("X-Forwarded-For", &format!("192.0.2.250, {client}"))],
            )
            .await
        }
    };
    for n in 0..2 {
        assert_eq!(attempt("203.0.113.7", n).await.status(), 401);
    }
    assert_throttled(attempt("203.0.113.7", 2).await).await;
    assert_eq!(
        attempt("203.0.113.8", 0).await.status(),
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

/// Once the database has said an account must wait, this instance refuses
/// its next attempts from memory: a guessing run's 429s cost no database
/// round. Shown by taking the throttling table away meanwhile: an answer
/// that needed it could not be a 429.
#[tokio::test]
async fn a_throttled_account_is_refused_without_asking_the_database_again() {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    for _ in 0..5 {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
    assert_throttled(app.login(EMAIL, WRONG).await).await;

    let mut conn = app.connection();
    diesel::sql_query("ALTER TABLE login_failures RENAME TO login_failures_away")
        .execute(&mut conn)
        .expect("take the table away");
    let refused = app.login(EMAIL, PASSWORD).await;
    let status = refused.status();
    diesel::sql_query("ALTER TABLE login_failures_away RENAME TO login_failures")
        .execute(&mut conn)
        .expect("put the table back");
    assert_eq!(status, 429);
    assert_throttled(refused).await;
}
