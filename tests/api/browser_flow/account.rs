//! What a browser session opens: the account page, `/users/me`, admin pages.

use serde_json::Value;

use super::sign_in;
use crate::support::{EMAIL, PASSWORD, TestApp, assert_page_headers};

#[tokio::test]
async fn the_account_page_needs_a_session() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=/");

    let (cookie, _) = sign_in(&app, EMAIL).await;
    let response = app.get_with("/", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status(), 200);
    assert_page_headers(&response);
    let body = response.text().await.expect("body");
    assert!(body.contains(&format!("<dd id=\"account-email\">{EMAIL}</dd>")));
    assert!(body.contains("<dd id=\"account-scopes\">read</dd>"));
    assert!(body.contains("action=\"/logout\""));
    assert!(body.contains("id=\"session-ends\""));
}

#[tokio::test]
async fn users_me_accepts_the_cookie_but_prefers_a_bearer_header() {
    let app = TestApp::spawn().await;
    app.add_user("bob@example.com", PASSWORD, &[]);
    let (alice_cookie, _) = sign_in(&app, EMAIL).await;
    let body: Value = app
        .get_with("/users/me", &[("Cookie", &alice_cookie)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["email"], EMAIL);

    let bob: Value = app
        .login("bob@example.com", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let bearer = format!("Bearer {}", bob["access_token"].as_str().expect("token"));
    let response = app
        .get_with(
            "/users/me",
            &[("Cookie", &alice_cookie), ("Authorization", &bearer)],
        )
        .await;
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["email"], "bob@example.com");
}

#[tokio::test]
async fn an_admins_browser_session_opens_admin_users() {
    let app = TestApp::spawn().await;
    app.add_user("root@example.com", PASSWORD, &["admin"]);
    let (cookie, _) = sign_in(&app, "root@example.com").await;
    let admin = app.get_with("/admin/users", &[("Cookie", &cookie)]).await;
    assert_eq!(admin.status(), 200);
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let reader = app.get_with("/admin/users", &[("Cookie", &cookie)]).await;
    assert_eq!(reader.status(), 403);
}
