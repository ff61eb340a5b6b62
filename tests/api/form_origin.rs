//! The HTML forms refuse posts from other origins, whatever the CSRF
//! token, and refuse empty sign-in fields before any hashing.

use crate::support::{EMAIL, PASSWORD, TestApp, assert_page_headers, set_cookies};

const SIGNED_IN: u16 = 303;
const FORGED: u16 = 403;

/// The CSRF cookie name and token a browser gets from the login page.
/// (Its name depends on `public_url`: `__Host-` prefixed behind HTTPS.)
async fn csrf_of_login_page(app: &TestApp) -> (String, String) {
    let page = app.get("/login").await;
    assert_eq!(page.status(), 200);
    set_cookies(&page)
        .into_iter()
        .find(|(name, _)| name.ends_with("_csrf"))
        .map(|(name, cookie)| (name, cookie.value))
        .expect("a CSRF cookie")
}

/// `POST /login` with a valid token and alice's password, plus `headers`.
async fn sign_in_with(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let (cookie_name, token) = csrf_of_login_page(app).await;
    let cookie = format!("{cookie_name}={token}");
    let mut headers = headers.to_vec();
    headers.push(("Cookie", &cookie));
    app.post_form_with(
        "/login",
        &[
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ],
        &headers,
    )
    .await
}

async fn assert_refused_as_forged(response: reqwest::Response, case: &str) {
    assert_eq!(response.status(), FORGED, "{case}");
    assert_page_headers(&response);
    assert!(
        !set_cookies(&response)
            .keys()
            .any(|name| name.ends_with("_session")),
        "{case}: no session"
    );
    let body = response.text().await.expect("body");
    assert!(body.contains("Form expired"), "{case}: {body}");
}

#[tokio::test]
async fn a_form_posted_from_another_origin_is_403_even_with_a_valid_token() {
    let app = TestApp::spawn().await;
    for origin in [
        "http://evil.example.com",
        "http://localhost",
        "null",
        // The right host on another port is another origin.
        "http://127.0.0.1:1",
    ] {
        let response = sign_in_with(&app, &[("Origin", origin)]).await;
        assert_refused_as_forged(response, origin).await;
    }
}

#[tokio::test]
async fn a_cross_site_or_same_site_fetch_is_403_even_with_a_valid_token() {
    let app = TestApp::spawn().await;
    for site in ["cross-site", "same-site", "nonsense"] {
        // Sec-Fetch-Site decides even when Origin looks right.
        let response = sign_in_with(
            &app,
            &[("Sec-Fetch-Site", site), ("Origin", app.address.as_str())],
        )
        .await;
        assert_refused_as_forged(response, site).await;
    }
}

#[tokio::test]
async fn same_origin_posts_and_posts_without_either_header_sign_in() {
    let app = TestApp::spawn().await;
    let own = app.address.clone();
    let cases: [&[(&str, &str)]; 5] = [
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", &own)],
        &[("Sec-Fetch-Site", "same-origin")],
        &[("Sec-Fetch-Site", "none")],
        &[("Origin", &own)],
        &[],
    ];
    for headers in cases {
        let response = sign_in_with(&app, headers).await;
        assert_eq!(response.status(), SIGNED_IN, "{headers:?}");
        assert_eq!(response.headers()["location"], "/");
    }
}

#[tokio::test]
async fn with_a_public_url_the_origin_must_be_the_public_one() {
    let app = TestApp::spawn_with(|s| {
        s.public_url = Some("https://login.example.com".into());
    })
    .await;
    let public = sign_in_with(&app, &[("Origin", "https://login.example.com")]).await;
    assert_eq!(public.status(), SIGNED_IN);
    for origin in [
        app.address.as_str(),
        "http://login.example.com",
        "https://evil.login.example.com",
    ] {
        let response = sign_in_with(&app, &[("Origin", origin)]).await;
        assert_refused_as_forged(response, origin).await;
    }
}

#[tokio::test]
async fn logout_and_setup_refuse_a_cross_site_post_too() {
    let app = TestApp::spawn_empty().await;
    let setup_token = app.setup_token.clone().expect("first run");
    let (cookie_name, token) = csrf_of_login_page(&app).await;
    let cookie = format!("{cookie_name}={token}");
    let setup = app
        .post_form_with(
            "/setup",
            &[
                ("token", &setup_token),
                ("csrf_token", &token),
                ("username", "admin@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            &[("Cookie", &cookie), ("Origin", "http://evil.example.com")],
        )
        .await;
    assert_refused_as_forged(setup, "setup").await;

    let logout = app
        .post_form_with(
            "/logout",
            &[("csrf_token", &token)],
            &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-site")],
        )
        .await;
    assert_refused_as_forged(logout, "logout").await;
}

#[tokio::test]
async fn an_empty_email_or_password_gets_the_form_again_with_400_and_no_hashing() {
    let app = TestApp::spawn().await;
    let (cookie_name, token) = csrf_of_login_page(&app).await;
    let cookie = format!("{cookie_name}={token}");
    for (username, password) in [(EMAIL, ""), ("", PASSWORD), ("  ", "")] {
        let response = app
            .post_form_with(
                "/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("csrf_token", &token),
                ],
                &[("Cookie", &cookie)],
            )
            .await;
        assert_eq!(response.status(), 400, "{username:?} / {password:?}");
        assert_page_headers(&response);
        let body = response.text().await.expect("body");
        assert!(
            body.contains("Enter your email and your password."),
            "{body}"
        );
        assert!(body.contains("name=\"csrf_token\""), "the form again");
    }
    let metrics = app.get("/metrics").await.text().await.expect("body");
    assert!(
        metrics.contains("latchkey_logins_total{result=\"failed\"} 0\n"),
        "no verification ran: {metrics}"
    );
}
