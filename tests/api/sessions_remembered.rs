//! What the server remembers about a session is dropped as soon as the
//! session or its user changes: at once for a change made through this
//! server, within milliseconds for one made by another process. Runs on
//! the suite's backend (SQLite, or PostgreSQL with `TEST_BACKEND=postgres`).

use std::time::{Duration, Instant};

use latchkey::db::users;
use serde_json::Value;

use crate::cli::{latchkey, stderr};
use crate::support::{CHANGES_SEEN_WITHIN, EMAIL, PASSWORD, TestApp};

/// `latchkey_session_checks_total{source}` from `/metrics`.
async fn checks_from(app: &TestApp, source: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.expect("metrics");
    let line = format!("latchkey_session_checks_total{{source=\"{source}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&line))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {line} in /metrics:\n{text}"))
}

/// Signs alice in and waits until a look at her session is answered from
/// memory, so that what follows tests the memory. (Under load the change
/// watch may fall behind for a moment, and then the server reads the
/// database instead; it must catch up within a second.)
async fn remembered_session(app: &TestApp) -> (String, String) {
    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let access = body["access_token"].as_str().expect("access").to_owned();
    let refresh = body["refresh_token"].as_str().expect("refresh").to_owned();
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let before = checks_from(app, "memory").await;
        assert_eq!(app.get_me(&access).await.status(), 200);
        if checks_from(app, "memory").await > before {
            return (access, refresh);
        }
        assert!(
            Instant::now() < deadline,
            "no look at the session came from memory within a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_session_revoked_here_is_refused_by_the_very_next_request() {
    let app = TestApp::spawn().await;
    let (access, refresh) = remembered_session(&app).await;
    let revoked = app.post_form("/token/revoke", &[("token", &refresh)]).await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(app.get_me(&access).await.status(), 401);
}

#[tokio::test]
async fn a_user_disabled_by_another_process_is_refused_within_milliseconds() {
    let app = TestApp::spawn().await;
    let (access, _) = remembered_session(&app).await;
    // A connection of the test's own, outside the server's pool: to the
    // server it is another process, as `latchkey user disable` would be.
    let disabled = users::set_disabled(&mut app.connection(), EMAIL, true).expect("disable");
    assert!(disabled);
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    assert_eq!(app.get_me(&access).await.status(), 401);
}

#[tokio::test]
async fn scopes_taken_away_by_another_process_are_gone_within_milliseconds() {
    let app = TestApp::spawn().await;
    let (access, _) = remembered_session(&app).await;
    let me: Value = app.get_me(&access).await.json().await.expect("json");
    assert_eq!(me["scopes"], serde_json::json!(["read"]));
    users::set_scopes(&mut app.connection(), EMAIL, &[]).expect("scopes");
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    let me: Value = app.get_me(&access).await.json().await.expect("json");
    assert_eq!(me["scopes"], serde_json::json!([]));
}

#[tokio::test]
async fn user_scopes_on_the_command_line_holds_from_the_next_request() {
    let app = TestApp::spawn().await;
    let (access, _) = remembered_session(&app).await;
    let url = app.settings.database_url.url();
    let changed = latchkey(
        &["--database-url", &url, "user", "scopes", EMAIL, "--none"],
        None,
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    // No wait here: the command waits until running servers have seen it.
    let me: Value = app.get_me(&access).await.json().await.expect("json");
    assert_eq!(me["scopes"], serde_json::json!([]));
}

#[tokio::test]
async fn logins_leave_what_is_remembered_in_place() {
    let app = TestApp::spawn().await;
    let (access, _) = remembered_session(&app).await;
    // A login adds rows (its attempt, a session) but changes none that a
    // session check reads, so a flood of them must not wipe the memory.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    let before = checks_from(&app, "memory").await;
    assert_eq!(app.get_me(&access).await.status(), 200);
    assert_eq!(checks_from(&app, "memory").await, before + 1);
}
