//! First-run setup: one admin, then the page is gone.

use serde_json::Value;

use crate::support::{TestApp, assert_page_headers, set_cookies};

#[tokio::test]
async fn first_run_setup_creates_one_admin_and_then_disappears() {
    let app = TestApp::spawn_empty().await;
    let token = app.setup_token.clone().expect("a setup token on first run");
    assert_eq!(app.get("/setup").await.status(), 404);
    assert_eq!(app.get("/setup?token=wrong").await.status(), 404);

    let page = app.get(&format!("/setup?token={token}")).await;
    assert_eq!(page.status(), 200);
    assert_page_headers(&page);
    let csrf = set_cookies(&page)
        .remove("latchkey_csrf")
        .expect("csrf")
        .value;
    let cookie = format!("latchkey_csrf={csrf}");
    let submit = |password: &'static str, confirm: &'static str| {
        let (app, token, csrf, cookie) = (&app, &token, &csrf, &cookie);
        async move {
            app.post_form_with(
                "/setup",
                &[
                    ("token", token),
                    ("csrf_token", csrf),
                    ("username", "Admin@Example.com"),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
                &[("Cookie", cookie)],
            )
            .await
        }
    };

    let short = submit("too short", "too short").await;
    assert_eq!(short.status(), 400);
    assert!(
        short
            .text()
            .await
            .expect("body")
            .contains("at least 15 characters")
    );
    let differ = submit(
        "correct horse battery staple",
        "correct horse battery stapel",
    )
    .await;
    assert_eq!(differ.status(), 400);

    let created = submit(
        "correct horse battery staple",
        "correct horse battery staple",
    )
    .await;
    assert_eq!(created.status(), 303);
    assert_eq!(created.headers()["location"], "/");
    assert!(
        set_cookies(&created).contains_key("latchkey_session"),
        "signed in at once"
    );

    let admin = app
        .login("admin@example.com", "correct horse battery staple")
        .await;
    let body: Value = admin.json().await.expect("json");
    assert_eq!(body["scope"], "admin");

    let gone = app.get(&format!("/setup?token={token}")).await;
    assert_eq!(gone.status(), 404);
    let again = submit(
        "correct horse battery staple",
        "correct horse battery staple",
    )
    .await;
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn setup_is_gone_once_a_user_exists_even_with_the_token() {
    let app = TestApp::spawn().await; // alice is added after start
    let token = app.setup_token.clone().expect("started empty");
    let page = app.get(&format!("/setup?token={token}")).await;
    assert_eq!(page.status(), 404);
    assert!(
        app.restart_with(|_| {}).await.setup_token.is_none(),
        "a server started with users offers no setup"
    );
}
