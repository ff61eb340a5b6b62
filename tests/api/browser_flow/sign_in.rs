//! Signing in through the form: cookies, redirects, failures, CSRF.

use serde_json::Value;

use super::open_login;
use crate::support::{EMAIL, PASSWORD, TestApp, assert_page_headers, form, set_cookies};

#[tokio::test]
async fn signing_in_sets_both_cookies_with_every_attribute_and_redirects() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let fields = [
        ("username", EMAIL),
        ("password", PASSWORD),
        ("csrf_token", &login.csrf),
        ("next", "/users/me"),
    ];
    let response = app
        .post_form_with("/login", &fields, &[("Cookie", &login.cookie())])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/users/me");
    let cookies = set_cookies(&response);
    for name in ["latchkey_session", "latchkey_refresh"] {
        let c = cookies.get(name).unwrap_or_else(|| panic!("{name} set"));
        assert!(
            c.has("HttpOnly") && c.has("SameSite=Lax") && c.has("Path=/"),
            "{name}: {c:?}"
        );
        assert!(
            !c.attributes
                .iter()
                .any(|a| a.to_lowercase().starts_with("domain")),
            "no Domain: {c:?}"
        );
        assert!(!c.has("Secure"), "plain http: no Secure");
    }
    let claims =
        jsonwebtoken::dangerous::insecure_decode::<Value>(&cookies["latchkey_session"].value)
            .expect("the session cookie is the access JWT")
            .claims;
    assert_eq!(claims["sub"], EMAIL);
}

#[tokio::test]
async fn behind_https_the_cookies_are_host_prefixed_and_secure() {
    let app = TestApp::spawn_with(|s| s.public_url = Some("https://login.example".into())).await;
    let response = app.get("/login").await;
    let csrf = set_cookies(&response)
        .remove("__Host-latchkey_csrf")
        .expect("prefixed csrf cookie");
    assert!(csrf.has("Secure"));
    let cookie = format!("__Host-latchkey_csrf={}", csrf.value);
    let response = app
        .post_form_with(
            "/login",
            &[
                ("username", EMAIL),
                ("password", PASSWORD),
                ("csrf_token", &csrf.value),
            ],
            &[("Cookie", &cookie)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let cookies = set_cookies(&response);
    for name in ["__Host-latchkey_session", "__Host-latchkey_refresh"] {
        let c = cookies.get(name).unwrap_or_else(|| panic!("{name} set"));
        assert!(
            c.has("Secure") && c.has("HttpOnly") && c.has("Path=/"),
            "{c:?}"
        );
    }
}

#[tokio::test]
async fn next_is_followed_only_to_local_paths() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cases = [
        ("/users/me?x=1", "/users/me?x=1"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("", "/"),
    ];
    for (next, expected) in cases {
        let fields = [
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &login.csrf),
            ("next", next),
        ];
        let response = app
            .post_form_with("/login", &fields, &[("Cookie", &login.cookie())])
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_failed_login_is_401_with_one_message_the_email_kept_and_escaped() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = login.cookie();
    let typed = "<b>mallory</b>@example.com";
    let secret = "my secret attempt";
    let response = app
        .post_form_with(
            "/login",
            &[
                ("username", typed),
                ("password", secret),
                ("csrf_token", &login.csrf),
            ],
            &[("Cookie", &cookie)],
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_page_headers(&response);
    assert!(!set_cookies(&response).contains_key("latchkey_session"));
    let body = response.text().await.expect("body");
    assert!(body.contains("Incorrect email or password."));
    assert!(!body.contains("<b>mallory"), "HTML-escaped");
    assert!(
        body.contains("&#60;b&#62;mallory") || body.contains("&lt;b&gt;mallory"),
        "email kept"
    );
    assert!(!body.contains(secret), "the password is never echoed");

    let wrong_password = app
        .post_form_with(
            "/login",
            &[
                ("username", EMAIL),
                ("password", "wrong"),
                ("csrf_token", &login.csrf),
            ],
            &[("Cookie", &cookie)],
        )
        .await;
    assert_eq!(wrong_password.status(), 401);
    assert!(
        wrong_password
            .text()
            .await
            .expect("body")
            .contains("Incorrect email or password.")
    );
}

#[tokio::test]
async fn a_missing_or_forged_csrf_token_is_403_without_a_session() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = login.cookie();
    let forged = "A".repeat(43);
    let attempts: [(Option<&str>, Option<&str>); 4] = [
        (Some(&cookie), None),
        (Some(&cookie), Some(&forged)),
        (None, Some(&login.csrf)),
        (None, None),
    ];
    for (cookie, field) in attempts {
        let mut fields = vec![("username", EMAIL), ("password", PASSWORD)];
        if let Some(field) = field {
            fields.push(("csrf_token", field));
        }
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
        let response = app.post_form_with("/login", &fields, &headers).await;
        assert_eq!(response.status(), 403, "cookie {cookie:?}, field {field:?}");
        assert_page_headers(&response);
        assert!(!set_cookies(&response).contains_key("latchkey_session"));
    }
}

#[tokio::test]
async fn a_password_change_during_a_form_sign_in_is_the_wrong_password_page() {
    let app = TestApp::spawn_with(|s| s.argon2 = crate::token::SLOW_ARGON2).await;
    let login = open_login(&app).await;
    // Sent from its own task (so not through `app`) while the password
    // changes under it.
    let request = app
        .client
        .post(app.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", login.cookie())
        .body(form(&[
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &login.csrf),
        ]));
    let sign_in = tokio::spawn(request.send());
    crate::token::change_password_during_verification(&app, "another long passphrase").await;

    let response = sign_in.await.expect("task").expect("response");
    assert_eq!(response.status(), 401);
    assert_page_headers(&response);
    assert!(!set_cookies(&response).contains_key("latchkey_session"));
    let body = response.text().await.expect("body");
    assert!(body.contains("Incorrect email or password."));
}
