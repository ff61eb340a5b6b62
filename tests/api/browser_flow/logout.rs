//! Signing out: everywhere, and only by a same-site POST.

use super::sign_in;
use crate::support::{CHANGES_SEEN_WITHIN, EMAIL, TestApp, set_cookies};

#[tokio::test]
async fn logout_ends_the_session_on_every_instance() {
    let app = TestApp::spawn().await;
    let other_instance = app.restart_with(|_| {}).await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let signed_in = [("Cookie", cookie.as_str())];
    assert_eq!(
        other_instance
            .get_with("/users/me", &signed_in)
            .await
            .status(),
        200
    );

    let csrf = cookie
        .split("; ")
        .next()
        .and_then(|c| c.strip_prefix("latchkey_csrf="))
        .expect("csrf")
        .to_owned();
    let response = app
        .post_form_with("/logout", &[("csrf_token", &csrf)], &signed_in)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?signed_out=1");
    let cleared = set_cookies(&response);
    for name in ["latchkey_session", "latchkey_refresh"] {
        assert!(
            cleared[name].value.is_empty() && cleared[name].has("Max-Age=0"),
            "{name} cleared"
        );
    }

    // A browser that kept the old cookies gets nowhere, on either instance
    // (the other one as soon as it has seen the change).
    for instance in [&app, &other_instance] {
        if std::ptr::eq(instance, &other_instance) {
            tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
        }
        assert_eq!(
            instance.get_with("/users/me", &signed_in).await.status(),
            401
        );
        assert_eq!(instance.get_with("/", &signed_in).await.status(), 303);
    }
    let page = app.get("/login?signed_out=1").await;
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("You have been signed out.")
    );
}

#[tokio::test]
async fn a_link_to_logout_only_asks_and_the_post_is_csrf_protected() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let signed_in = [("Cookie", cookie.as_str())];
    // GET (RP-initiated logout without a hint) shows a confirmation page:
    // a link or an image on another site signs nobody out.
    let get = app.get_with("/logout", &signed_in).await;
    assert_eq!(get.status(), 200);
    crate::support::assert_page_headers(&get);
    let page = get.text().await.expect("body");
    assert!(
        page.contains("Sign out?") && page.contains("method=\"post\""),
        "{page}"
    );
    assert_eq!(
        app.get_with("/users/me", &signed_in).await.status(),
        200,
        "the GET ended nothing"
    );
    let forged = app
        .post_form_with("/logout", &[("csrf_token", &"A".repeat(43))], &signed_in)
        .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(
        app.get_with("/users/me", &signed_in).await.status(),
        200,
        "still signed in"
    );
}
