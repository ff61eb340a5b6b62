//! Scope guards, with `GET /admin/users` as their first user.

use serde_json::Value;

use crate::support::{PASSWORD, TestApp};

const ADMIN: &str = "root@example.com";

async fn token_for(app: &TestApp, email: &str, scope: Option<&str>) -> String {
    let mut pairs = vec![("username", email), ("password", PASSWORD)];
    if let Some(scope) = scope {
        pairs.push(("scope", scope));
    }
    let body: Value = app
        .post_form("/token", &pairs)
        .await
        .json()
        .await
        .expect("json");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn admin_users(app: &TestApp, token: &str) -> reqwest::Response {
    app.get_with_bearer("/admin/users", token).await
}

#[tokio::test]
async fn an_admin_lists_every_user_without_hashes() {
    let app = TestApp::spawn().await;
    app.add_user(ADMIN, PASSWORD, &["admin"]);
    let response = admin_users(&app, &token_for(&app, ADMIN, None).await).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    assert!(
        !text.contains("$argon2") && !text.contains("password"),
        "{text}"
    );
    let users: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert_eq!(users.len(), 2);
    let alice = users
        .iter()
        .find(|u| u["email"] == "alice@example.com")
        .expect("alice listed");
    assert_eq!(alice["scopes"], serde_json::json!(["read"]));
    assert_eq!(alice["disabled"], false);
    assert!(alice["created_at"].is_string());
    assert_eq!(alice.as_object().expect("object").len(), 4);
}

#[tokio::test]
async fn a_token_without_the_admin_scope_is_403_insufficient_scope() {
    let app = TestApp::spawn().await;
    app.add_user(ADMIN, PASSWORD, &["admin", "read"]);
    for token in [
        token_for(&app, "alice@example.com", None).await,
        token_for(&app, ADMIN, Some("read")).await,
    ] {
        let response = admin_users(&app, &token).await;
        assert_eq!(response.status(), 403);
        let challenge = response.headers()["www-authenticate"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            challenge.starts_with("Bearer error=\"insufficient_scope\""),
            "{challenge}"
        );
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "insufficient_scope");
    }
    let response = app.get("/admin/users").await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn removing_a_scope_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    app.add_user(ADMIN, PASSWORD, &["admin", "read"]);
    let token = token_for(&app, ADMIN, None).await;
    assert_eq!(admin_users(&app, &token).await.status(), 200);

    let scopes = vec!["read".to_owned()];
    latchkey::db::users::set_scopes(&mut app.connection(), ADMIN, &scopes).expect("demote");

    let response = admin_users(&app, &token).await;
    assert_eq!(response.status(), 403, "not at token expiry: now");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "insufficient_scope");
    let me = app.get_me(&token).await;
    assert_eq!(me.status(), 200, "the token itself stays good");
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["scopes"], serde_json::json!(["read"]));
}
