//! Device cookies: a browser that signed in to an account before keeps its
//! own allowance when someone else's guesses lock the account.

use crate::support::{EMAIL, PASSWORD, TestApp, set_cookies};

const WRONG: &str = "definitely not the password";

/// Signs in through the form as a browser holding `device` would.
async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> reqwest::Response {
    let page = app.get("/login").await;
    let csrf = set_cookies(&page)
        .remove("latchkey_csrf")
        .expect("a CSRF cookie")
        .value;
    let mut cookies = format!("latchkey_csrf={csrf}");
    if let Some(device) = device {
        cookies.push_str(&format!("; latchkey_device={device}"));
    }
    app.post_form_with(
        "/login",
        &[
            ("username", email),
            ("password", password),
            ("csrf_token", &csrf),
        ],
        &[("Cookie", &cookies)],
    )
    .await
}

/// Signs in once and returns the device cookie the browser was given.
async fn earn_device(app: &TestApp, email: &str, password: &str) -> String {
    let response = sign_in(app, email, password, None).await;
    assert_eq!(response.status(), 303);
    set_cookies(&response)
        .remove("latchkey_device")
        .map(|c| c.value)
        .expect("a device cookie")
}

/// Guesses until the account is throttled.
async fn lock_out(app: &TestApp, email: &str) {
    for _ in 0..5 {
        assert_eq!(app.login(email, WRONG).await.status(), 401);
    }
    assert_eq!(app.login(email, WRONG).await.status(), 429);
}

#[tokio::test]
async fn a_successful_sign_in_sets_a_year_long_http_only_device_cookie() {
    let app = TestApp::spawn().await;
    let response = sign_in(&app, EMAIL, PASSWORD, None).await;
    assert_eq!(response.status(), 303);
    let cookie = set_cookies(&response)
        .remove("latchkey_device")
        .expect("a device cookie");
    assert!(cookie.has("HttpOnly"), "{cookie:?}");
    assert!(cookie.has("SameSite=Lax"), "{cookie:?}");
    assert!(
        cookie.has(&format!("Max-Age={}", 365 * 86_400)),
        "{cookie:?}"
    );
    // A browser that presents it again is not handed another one.
    let device = cookie.value;
    let again = sign_in(&app, EMAIL, PASSWORD, Some(&device)).await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        set_cookies(&again)
            .remove("latchkey_device")
            .map(|c| c.value),
        None
    );
}

#[tokio::test]
async fn the_owners_browser_signs_in_while_an_attacker_has_the_account_throttled() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let device = earn_device(&app, EMAIL, PASSWORD).await;

    lock_out(&app, EMAIL).await;
    // A browser without the cookie is throttled, the owner's is not.
    assert_eq!(sign_in(&app, EMAIL, PASSWORD, None).await.status(), 429);
    assert_eq!(
        sign_in(&app, EMAIL, PASSWORD, Some(&device)).await.status(),
        303
    );
}

#[tokio::test]
async fn a_device_cookie_has_its_own_throttling_not_a_free_pass() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    let device = earn_device(&app, EMAIL, PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, EMAIL, WRONG, Some(&device)).await.status(),
            401
        );
    }
    assert_eq!(
        sign_in(&app, EMAIL, WRONG, Some(&device)).await.status(),
        429
    );
    // The account's own counter was not touched by the device's failures.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn forged_or_foreign_device_cookies_get_no_allowance() {
    let app = TestApp::spawn_with(|s| s.rate_limit = false).await;
    app.add_user("bob@example.com", "bob's long enough password", &[]);
    let bobs_device = earn_device(&app, "bob@example.com", "bob's long enough password").await;

    lock_out(&app, EMAIL).await;
    let forged = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE";
    assert_eq!(
        sign_in(&app, EMAIL, PASSWORD, Some(forged)).await.status(),
        429
    );
    // Earned for bob, so it means nothing for alice.
    assert_eq!(
        sign_in(&app, EMAIL, PASSWORD, Some(&bobs_device))
            .await
            .status(),
        429
    );
}
