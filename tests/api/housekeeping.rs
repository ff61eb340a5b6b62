//! The background purge: the database does not grow with unauthenticated
//! traffic, and ended sessions do not stay forever.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::support::{EMAIL, PASSWORD, TestApp};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub fn rows(app: &TestApp, table: &str) -> i64 {
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(&mut app.connection())
        .expect("count")
        .n
}

/// Waits (at most 15 s) until `table` holds `expected` rows.
async fn until_rows(app: &TestApp, table: &str, expected: i64) -> i64 {
    for _ in 0..150 {
        if rows(app, table) == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    rows(app, table)
}

#[tokio::test]
async fn a_stuffing_run_of_random_emails_leaves_the_throttling_table_bounded() {
    let app = TestApp::spawn_with(|s| {
        s.rate_limit = false;
        // alice is under attack: waits long enough to outlive the test.
        s.account_delays = vec![Duration::from_secs(600)];
    })
    .await;
    for i in 0..40 {
        let email = format!("stuffed-{i}@example.net");
        assert_eq!(
            app.login(&email, "some leaked password").await.status(),
            401
        );
    }
    for _ in 0..5 {
        assert_eq!(app.login(EMAIL, "wrong wrong wrong").await.status(), 401);
    }
    assert_eq!(rows(&app, "login_failures"), 41);
    // An instance that forgets a few failures after 1 s (a day x 5 /
    // 432,000) and purges often.
    let _purging = app
        .another_instance(|s| {
            s.account_daily_limit = 432_000;
            s.account_delays = vec![Duration::from_secs(600)];
            s.housekeeping_interval = Duration::from_millis(200);
        })
        .await;
    // Only the throttled account's counter stays, and it still throttles.
    assert_eq!(until_rows(&app, "login_failures", 1).await, 1);
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn ended_sessions_and_their_refresh_tokens_are_purged() {
    let app = TestApp::spawn_with(|s| s.housekeeping_interval = Duration::from_millis(200)).await;
    let kept = app.login(EMAIL, PASSWORD).await;
    assert_eq!(kept.status(), 200);
    for _ in 0..3 {
        let body: serde_json::Value = app.login(EMAIL, PASSWORD).await.json().await.expect("json");
        let refresh = body["refresh_token"].as_str().expect("refresh token");
        let revoked = app.post_form("/token/revoke", &[("token", refresh)]).await;
        assert_eq!(revoked.status(), 200);
    }
    assert_eq!(until_rows(&app, "sessions", 1).await, 1);
    assert_eq!(until_rows(&app, "refresh_tokens", 1).await, 1);
}

#[tokio::test]
async fn long_expired_authorization_codes_are_purged_and_fresh_ones_kept() {
    let app = TestApp::spawn_with(|s| s.housekeeping_interval = Duration::from_millis(200)).await;
    let client = app.add_client(crate::support::ClientSpec::default());
    let pkce = crate::support::Pkce::new();
    let _fresh = crate::applications::code_for(&app, &client, &pkce).await;
    // Two codes from long ago: one spent, one never used.
    for used in ["NULL", "1"] {
        diesel::sql_query(format!(
            "INSERT INTO authorization_codes (code_hash, client_id, user_id, redirect_uri, \
             scopes, code_challenge, auth_time, browser_session_id, expires_at, used_at) \
             SELECT 'old-{used}', '{}', id, 'https://app.example/callback', '', 'x', 0, 0, 1000, {used} \
             FROM users",
            client.id
        ))
        .execute(&mut app.connection())
        .expect("insert an old code");
    }
    assert_eq!(rows(&app, "authorization_codes"), 3);
    assert_eq!(until_rows(&app, "authorization_codes", 1).await, 1);
}
