//! What the login page tells a person who is not where they think: no
//! account yet, signed in already, or signed out from elsewhere.

use super::{open_login, sign_in};
use crate::cli::{latchkey, stderr};
use crate::support::{EMAIL, PASSWORD, TestApp};

#[tokio::test]
async fn signing_in_before_any_account_exists_says_so_and_where_the_setup_link_is() {
    let app = TestApp::spawn_empty().await;
    let login = open_login(&app).await;
    let response = app
        .post_form_with(
            "/login",
            &[
                ("username", "admin@example.com"),
                ("password", PASSWORD),
                ("csrf_token", &login.csrf),
            ],
            &[("Cookie", &login.cookie())],
        )
        .await;
    assert_eq!(response.status(), 401);
    let body = response.text().await.expect("body");
    assert!(
        body.contains(
            "No account exists yet. Create the first administrator with the one-time setup link in the server&#39;s log."
        ),
        "{body}"
    );
    assert!(!body.contains("Incorrect email or password."));
}

#[tokio::test]
async fn a_signed_in_visitor_of_the_login_page_goes_on_to_next_unless_asked_to_log_in_again() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let response = app
        .get_with("/login?next=/users/me", &[("Cookie", &cookie)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/users/me");
    let response = app.get_with("/login", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");

    // OAuth's /authorize sends people here to type their password again.
    let response = app
        .get_with("/login?prompt=login&next=/users/me", &[("Cookie", &cookie)])
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains("name=\"next\" value=\"/users/me\""), "{body}");
}

#[tokio::test]
async fn after_user_passwd_the_next_page_says_the_session_ended() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let url = app.settings.database_url.url();
    let changed = latchkey(
        &[
            "--database-url",
            &url,
            "user",
            "passwd",
            EMAIL,
            "--password-stdin",
        ],
        Some("a completely different passphrase\n"),
    );
    assert!(changed.status.success(), "{}", stderr(&changed));

    let response = app.get_with("/", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(location, "/login?next=/&session_ended=1");
    let page = app.get(&location).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(
        body.contains("Your session has ended (signed out elsewhere, or the password was changed). Please sign in again."),
        "{body}"
    );
    assert!(body.contains("name=\"next\" value=\"/\""), "{body}");

    // Without a session there is nothing to say.
    let response = app.get("/").await;
    assert_eq!(response.headers()["location"], "/login?next=/");
}
