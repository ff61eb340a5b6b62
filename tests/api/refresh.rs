//! Refresh tokens: rotation, grace, reuse detection, revocation.

use diesel::RunQueryDsl;
use serde_json::Value;

use crate::cli::latchkey;
use crate::support::{EMAIL, PASSWORD, TestApp, assert_invalid_grant};

struct Grant {
    access: String,
    refresh: String,
}

async fn password_grant(app: &TestApp) -> Grant {
    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 200);
    grant_of(response).await
}

async fn grant_of(response: reqwest::Response) -> Grant {
    let body: Value = response.json().await.expect("json");
    Grant {
        access: body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned(),
        refresh: body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_owned(),
    }
}

#[tokio::test]
async fn a_password_grant_returns_a_256_bit_refresh_token_stored_only_as_a_hash() {
    let app = TestApp::spawn().await;
    let grant = password_grant(&app).await;
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&grant.refresh)
        .expect("base64url");
    assert_eq!(raw.len(), 32);

    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        token_hash: String,
    }
    let rows: Vec<Row> = diesel::sql_query("SELECT token_hash FROM refresh_tokens")
        .load(&mut app.connection())
        .expect("query");
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].token_hash, grant.refresh);
    assert!(!rows[0].token_hash.contains(&grant.refresh));
}

#[tokio::test]
async fn a_refresh_rotates_both_tokens() {
    let app = TestApp::spawn().await;
    let first = password_grant(&app).await;
    let response = app.refresh(&first.refresh).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let second = grant_of(response).await;
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_eq!(app.get_me(&second.access).await.status(), 200);
    let third = app.refresh(&second.refresh).await;
    assert_eq!(third.status(), 200);
}

#[tokio::test]
async fn a_retry_within_the_grace_gets_the_same_successor() {
    let app = TestApp::spawn().await;
    let first = password_grant(&app).await;
    let a = grant_of(app.refresh(&first.refresh).await).await;
    let b = grant_of(app.refresh(&first.refresh).await).await;
    assert_eq!(a.refresh, b.refresh, "one live successor, handed out again");
    assert_eq!(app.refresh(&a.refresh).await.status(), 200);
}

#[tokio::test]
async fn reuse_after_the_grace_revokes_the_whole_family_even_within_the_same_second() {
    let app = TestApp::spawn_with(|s| s.refresh_grace = std::time::Duration::ZERO).await;
    let first = password_grant(&app).await;
    let second = grant_of(app.refresh(&first.refresh).await).await;

    assert_invalid_grant(app.refresh(&first.refresh).await).await;
    assert_invalid_grant(app.refresh(&second.refresh).await).await;
    let me = app.get_me(&second.access).await;
    assert_eq!(
        me.status(),
        401,
        "access tokens of a revoked family are refused"
    );

    let other = password_grant(&app).await;
    assert_eq!(
        app.refresh(&other.refresh).await.status(),
        200,
        "other sessions live on"
    );
}

#[tokio::test]
async fn twenty_concurrent_refreshes_leave_exactly_one_live_successor() {
    let app = TestApp::spawn().await;
    let first = password_grant(&app).await;
    let responses =
        futures_util::future::join_all((0..20).map(|_| app.refresh(&first.refresh))).await;
    let mut successors = std::collections::HashSet::new();
    for response in responses {
        assert_eq!(response.status(), 200);
        successors.insert(grant_of(response).await.refresh);
    }
    assert_eq!(successors.len(), 1, "every racer got the same successor");

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let live: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM refresh_tokens WHERE used_at IS NULL")
            .get_result(&mut app.connection())
            .expect("count");
    assert_eq!(live.n, 1);
}

#[tokio::test]
async fn unknown_malformed_and_expired_refresh_tokens_are_invalid_grant() {
    let app = TestApp::spawn().await;
    assert_invalid_grant(app.refresh("not-a-token").await).await;
    assert_invalid_grant(app.refresh(&"A".repeat(43)).await).await;

    let grant = password_grant(&app).await;
    diesel::sql_query("UPDATE sessions SET expires_at = 0")
        .execute(&mut app.connection())
        .expect("expire");
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;

    let response = app
        .post_form("/token", &[("grant_type", "refresh_token")])
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scopes_but_never_widen_them() {
    let app = TestApp::spawn().await;
    app.add_user("bob@example.com", PASSWORD, &["read", "write"]);
    let grant = grant_of(
        app.post_form(
            "/token",
            &[
                ("username", "bob@example.com"),
                ("password", PASSWORD),
                ("scope", "read"),
            ],
        )
        .await,
    )
    .await;

    let wider = app
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &grant.refresh),
                ("scope", "write"),
            ],
        )
        .await;
    assert_eq!(wider.status(), 400);
    let json: Value = wider.json().await.expect("json");
    assert_eq!(json["error"], "invalid_scope");

    let same = grant_of(app.refresh(&grant.refresh).await).await;
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&same.access)
        .expect("decode")
        .claims;
    assert_eq!(claims["scope"], "read");
}

#[tokio::test]
async fn passwd_and_disable_end_every_session() {
    let app = TestApp::spawn().await;
    let url = app.settings.database_url.url();

    let grant = password_grant(&app).await;
    let out = latchkey(
        &[
            "--database-url",
            &url,
            "user",
            "passwd",
            EMAIL,
            "--password-stdin",
        ],
        Some("another long passphrase"),
    );
    assert!(out.status.success());
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;
    assert_eq!(app.get_me(&grant.access).await.status(), 401);

    let grant = grant_of(app.login(EMAIL, "another long passphrase").await).await;
    let out = latchkey(&["--database-url", &url, "user", "disable", EMAIL], None);
    assert!(out.status.success());
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_session() {
    let app = TestApp::spawn().await;
    let grant = password_grant(&app).await;
    let response = app
        .post_form(
            "/token/revoke",
            &[
                ("token", &grant.refresh),
                ("token_type_hint", "refresh_token"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;
    assert_eq!(app.get_me(&grant.access).await.status(), 401);
}

#[tokio::test]
async fn revoking_an_access_token_ends_its_session_too() {
    let app = TestApp::spawn().await;
    let grant = password_grant(&app).await;
    let response = app
        .post_form("/token/revoke", &[("token", &grant.access)])
        .await;
    assert_eq!(response.status(), 200);
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;
}

#[tokio::test]
async fn revoking_unknown_or_malformed_tokens_is_still_200() {
    let app = TestApp::spawn().await;
    for token in ["garbage", &"B".repeat(43), "a.b.c"] {
        let response = app.post_form("/token/revoke", &[("token", token)]).await;
        assert_eq!(response.status(), 200, "{token}");
    }
    let response = app.post_form("/token/revoke", &[("nothing", "")]).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_refresh_token_left_unused_past_the_idle_lifetime_expires() {
    let app =
        TestApp::spawn_with(|s| s.refresh_idle_ttl = std::time::Duration::from_secs(3600)).await;
    let grant = password_grant(&app).await;

    #[derive(diesel::QueryableByName)]
    struct Expiry {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        expires_at: i64,
    }
    let row: Expiry = diesel::sql_query("SELECT expires_at FROM refresh_tokens")
        .get_result(&mut app.connection())
        .expect("query");
    let idle_end = latchkey::clock::now_unix() + 3600;
    assert!(
        (idle_end - 5..=idle_end).contains(&row.expires_at),
        "idle lifetime, not the 14-day session"
    );

    diesel::sql_query("UPDATE refresh_tokens SET expires_at = 0")
        .execute(&mut app.connection())
        .expect("age the token");
    assert_invalid_grant(app.refresh(&grant.refresh).await).await;
}

#[tokio::test]
async fn a_refresh_records_the_session_use_unless_one_was_recorded_seconds_ago() {
    #[derive(diesel::QueryableByName)]
    struct LastUse {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        last_used_at: i64,
    }
    let app = TestApp::spawn().await;
    let last_use = || -> i64 {
        diesel::sql_query("SELECT last_used_at FROM sessions")
            .get_result::<LastUse>(&mut app.connection())
            .expect("query")
            .last_used_at
    };
    let set_last_use = |at: i64| {
        diesel::sql_query(format!("UPDATE sessions SET last_used_at = {at}"))
            .execute(&mut app.connection())
            .expect("set the last use");
    };
    let grant = password_grant(&app).await;

    let an_hour_ago = latchkey::clock::now_unix() - 3600;
    set_last_use(an_hour_ago);
    let second = grant_of(app.refresh(&grant.refresh).await).await;
    let now = latchkey::clock::now_unix();
    assert!(
        (now - 5..=now).contains(&last_use()),
        "an hour-old last use is brought up to now"
    );

    let two_seconds_ago = latchkey::clock::now_unix() - 2;
    set_last_use(two_seconds_ago);
    grant_of(app.refresh(&second.refresh).await).await;
    assert_eq!(last_use(), two_seconds_ago, "left as it was");
}

#[tokio::test]
async fn only_the_token_just_rotated_gets_its_successor_again_within_the_grace() {
    let app = TestApp::spawn_with(|s| s.refresh_grace = std::time::Duration::from_secs(60)).await;
    let first = password_grant(&app).await;
    let second = grant_of(app.refresh(&first.refresh).await).await;
    let third = grant_of(app.refresh(&second.refresh).await).await;

    // `second` was just rotated: a retry gets `third` again.
    let retried = grant_of(app.refresh(&second.refresh).await).await;
    assert_eq!(retried.refresh, third.refresh);

    // `first` was rotated two refreshes ago: reuse, even within the grace.
    assert_invalid_grant(app.refresh(&first.refresh).await).await;
    assert_invalid_grant(app.refresh(&third.refresh).await).await;
    assert_eq!(
        app.get_me(&third.access).await.status(),
        401,
        "the family is revoked"
    );
}

#[tokio::test]
async fn a_refresh_asking_for_a_scope_not_granted_leaves_the_token_unused() {
    let app = TestApp::spawn_with(|s| s.refresh_grace = std::time::Duration::ZERO).await;
    let grant = password_grant(&app).await;
    let wider = app
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &grant.refresh),
                ("scope", "admin"),
            ],
        )
        .await;
    assert_eq!(wider.status(), 400);
    let json: Value = wider.json().await.expect("json");
    assert_eq!(json["error"], "invalid_scope");

    // Without a grace, a second presentation of a rotated token would be
    // reuse: the refused request must not have rotated it.
    let response = app.refresh(&grant.refresh).await;
    assert_eq!(response.status(), 200);
    let next = grant_of(response).await;
    assert_eq!(app.get_me(&next.access).await.status(), 200);
}
