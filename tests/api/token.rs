use std::collections::HashSet;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::support::{CHEAP_ARGON2, EMAIL, PASSWORD, TestApp, form, one_slow_hashing_slot};

#[tokio::test]
async fn a_password_grant_returns_a_bearer_token_that_must_not_be_cached() {
    let app = TestApp::spawn().await;
    let response = app.login(EMAIL, PASSWORD).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1800);
    assert_eq!(body["scope"], "read");
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
}

#[tokio::test]
async fn the_access_token_carries_the_seed_claims_and_a_kid() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;

    let header = jsonwebtoken::decode_header(&token).expect("header");
    assert_eq!(header.alg, Algorithm::HS256);
    assert!(header.kid.is_some_and(|kid| !kid.is_empty()));

    let secret = app.signing_secret();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    let claims: Value =
        jsonwebtoken::decode(&token, &DecodingKey::from_secret(&secret), &validation)
            .expect("verifies with the kept secret")
            .claims;
    assert_eq!(claims["sub"], EMAIL);
    assert_eq!(claims["iss"], app.settings.issuer);
    assert_eq!(claims["scope"], "read");
    assert!(claims.get("aud").is_none(), "no aud unless configured");
    let iat = claims["iat"].as_i64().expect("iat");
    assert_eq!(claims["exp"].as_i64(), Some(iat + 1800));
    assert_eq!(claims["nbf"].as_i64(), Some(iat));
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
}

#[tokio::test]
async fn every_token_gets_its_own_jti() {
    let app = TestApp::spawn_with(|s| s.argon2 = CHEAP_ARGON2).await;
    let mut seen = HashSet::new();
    for _ in 0..5 {
        let token = app.access_token().await;
        let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
            .expect("decode")
            .claims;
        assert!(seen.insert(claims["jti"].as_str().expect("jti").to_owned()));
    }
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_401() {
    let app = TestApp::spawn().await;
    let wrong_password = app.login(EMAIL, "not the password at all").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    for response in [&wrong_password, &unknown_email] {
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    let a = wrong_password.bytes().await.expect("body");
    let b = unknown_email.bytes().await.expect("body");
    assert_eq!(a, b, "the bodies must be byte-identical");
    let body: Value = serde_json::from_slice(&a).expect("json");
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid credentials", "detail": "Invalid credentials"})
    );
}

#[tokio::test]
async fn the_email_is_matched_in_its_normalised_form() {
    let app = TestApp::spawn().await;
    let response = app.login("  ALICE@Example.COM ", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let response = app.login("ali\u{200B}ce@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_password_is_not_trimmed_or_case_folded() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.login(EMAIL, &format!(" {PASSWORD}")).await.status(),
        401
    );
    assert_eq!(
        app.login(EMAIL, &PASSWORD.to_uppercase()).await.status(),
        401
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_get_a_token() {
    let app = TestApp::spawn().await;
    latchkey::db::users::set_disabled(&mut app.connection(), EMAIL, true).expect("disable");
    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn grant_type_may_be_omitted_or_given_as_password() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.post_form(
            "/token",
            &[
                ("grant_type", "password"),
                ("username", EMAIL),
                ("password", PASSWORD),
            ]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.post_form(
            "/token",
            &[
                ("username", EMAIL),
                ("password", PASSWORD),
                ("client_id", ""),
                ("client_secret", ""),
            ]
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported_grant_type() {
    let app = TestApp::spawn().await;
    let response = app
        .post_form(
            "/token",
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("username", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn missing_fields_are_invalid_request() {
    let app = TestApp::spawn().await;
    for body in [
        form(&[("username", EMAIL)]),
        form(&[("password", PASSWORD)]),
        String::new(),
    ] {
        let response = app.post_token(&body).await;
        assert_eq!(response.status(), 400, "body {body:?}");
        let json: Value = response.json().await.expect("json");
        assert_eq!(json["error"], "invalid_request");
        assert!(
            json["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("username"))
        );
    }
}

/// The `failed` sample of `latchkey_logins_total`: a verification ran.
async fn failed_logins(app: &TestApp) -> String {
    let text = app.get("/metrics").await.text().await.expect("body");
    text.lines()
        .find(|l| l.starts_with("latchkey_logins_total{result=\"failed\"}"))
        .expect("the failed-logins sample")
        .to_owned()
}

#[tokio::test]
async fn an_empty_username_or_password_is_invalid_request_and_never_hashed() {
    let app = TestApp::spawn().await;
    for (username, password) in [("", PASSWORD), (EMAIL, ""), ("", ""), ("   ", PASSWORD)] {
        let response = app.login(username, password).await;
        assert_eq!(response.status(), 400, "{username:?} / {password:?}");
        assert!(!response.headers().contains_key("www-authenticate"));
        let json: Value = response.json().await.expect("json");
        assert_eq!(json["error"], "invalid_request");
        assert_eq!(
            json["error_description"],
            "username and password must not be empty"
        );
        assert_eq!(json["detail"], json["error_description"]);
    }
    assert_eq!(
        failed_logins(&app).await,
        "latchkey_logins_total{result=\"failed\"} 0",
        "no verification ran"
    );
}

#[tokio::test]
async fn without_scope_or_with_an_empty_one_the_grant_carries_all_scopes() {
    let app = TestApp::spawn().await;
    app.add_user("bob@example.com", PASSWORD, &["read", "write"]);
    for extra in [None, Some("")] {
        let mut pairs = vec![("username", "bob@example.com"), ("password", PASSWORD)];
        if let Some(scope) = extra {
            pairs.push(("scope", scope));
        }
        let body: Value = app
            .post_form("/token", &pairs)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(body["scope"], "read write");
    }
}

#[tokio::test]
async fn a_grant_may_ask_for_fewer_scopes_but_not_for_others() {
    let app = TestApp::spawn().await;
    app.add_user("bob@example.com", PASSWORD, &["read", "write"]);
    let json: Value = app
        .post_form(
            "/token",
            &[
                ("username", "bob@example.com"),
                ("password", PASSWORD),
                ("scope", "write"),
            ],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(json["scope"], "write");
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(
        json["access_token"].as_str().expect("token"),
    )
    .expect("decode")
    .claims;
    assert_eq!(claims["scope"], "write");

    let response = app
        .post_form(
            "/token",
            &[
                ("username", "bob@example.com"),
                ("password", PASSWORD),
                ("scope", "read admin"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    let json: Value = response.json().await.expect("json");
    assert_eq!(json["error"], "invalid_scope");
}

#[tokio::test]
async fn a_password_over_512_bytes_gets_the_ordinary_401() {
    let app = TestApp::spawn().await;
    let response = app.login(EMAIL, &"a".repeat(513)).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_saturated_hasher_answers_503_with_retry_after_at_once() {
    let app = TestApp::spawn_with(one_slow_hashing_slot).await;
    // Twenty different accounts, so that per-account throttling stays out
    // of the way; per-address limits are off in this test.
    let emails: Vec<String> = (0..20).map(|i| format!("user{i}@example.com")).collect();
    let requests = emails
        .iter()
        .map(|email| app.login(email, "wrong password, on purpose"));
    let responses = futures_util::future::join_all(requests).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    let refused: Vec<_> = responses.iter().filter(|r| r.status() == 503).collect();
    assert!(!refused.is_empty(), "expected some 503s, got {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
    // At most one running and one queued can ever be admitted at once.
    assert!(statuses.iter().filter(|s| **s == 401).count() >= 1);
    for response in &refused {
        assert_eq!(response.headers()["retry-after"], "1");
    }
    // Turning an attempt away cost no database write: the only throttling
    // rows are those of the accounts whose attempt was checked (and failed).
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(
        crate::housekeeping::rows(&app, "login_failures"),
        checked as i64,
        "{statuses:?}"
    );
}

/// The cost that makes one verification last about a second here.
pub const SLOW_ARGON2: latchkey::config::Argon2Cost = latchkey::config::Argon2Cost {
    m_kib: 19456,
    t: 40,
    p: 1,
};

/// What `latchkey user passwd` does to alice, done while a login already
/// sent is verifying her old password: once its hashing job exists, it has
/// read the old hash.
pub async fn change_password_during_verification(app: &TestApp, new_password: &str) {
    use latchkey::db::{self, sessions, users};
    let new_hash = latchkey::auth::password::hash(
        CHEAP_ARGON2,
        &latchkey::auth::credentials::Password::for_login(new_password),
    )
    .expect("hash");
    let hashing = || async {
        let metrics = app.get("/metrics").await.text().await.expect("body");
        metrics
            .lines()
            .any(|l| l == "latchkey_password_hash_jobs 1")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !hashing().await {
        assert!(
            std::time::Instant::now() < deadline,
            "the login never started hashing"
        );
    }
    let mut conn = app.connection();
    let user = users::find_by_email(&mut conn, EMAIL)
        .expect("query")
        .expect("alice");
    db::write_transaction(&mut conn, |conn| {
        users::set_password_hash(conn, EMAIL, &new_hash)?;
        sessions::revoke_all_for_user(conn, user.id)
    })
    .expect("change the password");
    assert!(
        hashing().await,
        "the password changed only after the verification; make hashing slower"
    );
}

#[tokio::test]
async fn a_password_change_during_a_login_leaves_no_session_with_the_old_password() {
    let app = TestApp::spawn_with(|s| s.argon2 = SLOW_ARGON2).await;
    let request = app
        .client
        .post(app.url("/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("username", EMAIL), ("password", PASSWORD)]));
    let login = tokio::spawn(request.send());
    change_password_during_verification(&app, "another long passphrase").await;

    let response = login.await.expect("task").expect("response");
    assert_eq!(
        response.status(),
        401,
        "the old password no longer opens a session"
    );
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["detail"], "Invalid credentials");
    assert_eq!(
        app.login(EMAIL, "another long passphrase").await.status(),
        200
    );
}

/// A login that a full hashing pool turns away is answered without
/// touching the database: `503` at once even while the throttling table
/// is locked (a slow or busy database), where an attempt that had to be
/// admitted first would wait for the lock.
#[tokio::test]
async fn a_login_turned_away_by_a_full_pool_waits_for_no_database() {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn_with(|s| {
        s.hash_workers = 1;
        s.hash_queue = 1;
        s.argon2 = SLOW_ARGON2;
        s.rate_limit = false;
    })
    .await;
    // Two slow verifications fill the pool (one running, one queued).
    let busy: Vec<_> = (0..2)
        .map(|i| {
            let app = &app;
            async move {
                app.login(&format!("busy{i}@example.com"), "wrong password")
                    .await
            }
        })
        .collect();
    let busy = futures_util::future::join_all(busy);
    tokio::pin!(busy);
    let mut filled = false;
    for _ in 0..100 {
        tokio::select! {
            _ = &mut busy => panic!("the slow logins ended before the pool was seen full"),
            () = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
        let metrics = app.get("/metrics").await.text().await.expect("metrics");
        if metrics.contains("latchkey_password_hash_jobs 2") {
            filled = true;
            break;
        }
    }
    assert!(filled, "the pool never filled");

    // Lock the throttling table, as a busy database would hold it.
    let mut locker = app.connection();
    let postgres = app.settings.database_url.url().starts_with("postgres");
    let statements: &[&str] = if postgres {
        &[
            "BEGIN",
            "LOCK TABLE login_failures IN ACCESS EXCLUSIVE MODE",
        ]
    } else {
        &["BEGIN EXCLUSIVE"]
    };
    for statement in statements {
        diesel::sql_query(*statement)
            .execute(&mut locker)
            .expect("lock the table");
    }

    let started = Instant::now();
    let turned_away = app.login(EMAIL, "wrong password").await;
    let took = started.elapsed();
    diesel::sql_query("ROLLBACK")
        .execute(&mut locker)
        .expect("unlock");
    assert_eq!(turned_away.status(), 503);
    assert!(
        took < Duration::from_millis(1500),
        "answered after {took:?}: it waited for the database"
    );
    for response in busy.await {
        assert_eq!(response.status(), 401);
    }
}
