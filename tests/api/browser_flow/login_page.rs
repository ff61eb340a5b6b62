//! The login page and the static files it links.

use crate::support::{TestApp, assert_page_headers, set_cookies};

#[tokio::test]
async fn the_login_page_is_an_accessible_form_with_the_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/login?next=/account").await;
    assert_eq!(response.status(), 200);
    assert_page_headers(&response);
    let csrf = set_cookies(&response)
        .remove("latchkey_csrf")
        .expect("csrf cookie");
    assert!(csrf.has("HttpOnly") && csrf.has("SameSite=Lax") && csrf.has("Path=/"));
    let body = response.text().await.expect("body");
    for needle in [
        "<label for=\"username\">",
        "<label for=\"password\">",
        "autocomplete=\"username\"",
        "autocomplete=\"current-password\"",
        "type=\"password\"",
        "name=\"next\" value=\"/account\"",
        "href=\"/static/latchkey.css\"",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    assert!(!body.contains("<script"), "works without JavaScript");
}

#[tokio::test]
async fn static_files_are_cacheable_with_the_right_types() {
    let app = TestApp::spawn().await;
    let css = app.get("/static/latchkey.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("max-age=")
    );
    let icon = app.get("/static/favicon.svg").await;
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}
