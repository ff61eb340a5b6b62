//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at
//! `GET /logout`: with an `id_token_hint` naming the browser's session it
//! signs out at once and goes back to the application; without one it
//! asks first; an unregistered return address or a forged hint is refused
//! with a page, never a redirect.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::cookie::{CookieStore, Jar};
use serde_json::Value;

use crate::applications::{authorize_path, exchange, tokens, walk_to_callback};
use crate::support::{
    Browser, ClientSpec, Pkce, TestApp, TestClient, hidden_fields, location, query_param,
};

const SIGNED_OUT: &str = "https://app.example/signed-out";

fn client_with_return(app: &TestApp) -> TestClient {
    app.add_client(ClientSpec {
        post_logout_redirect_uris: &[SIGNED_OUT],
        ..ClientSpec::default()
    })
}

/// A browser signed in to latchkey through `client`'s code flow (scope
/// `openid`), and the application's tokens.
async fn signed_in(app: &TestApp, client: &TestClient) -> (Browser, Value) {
    let browser = Browser::new(app);
    let tokens = sign_in(app, client, &browser).await;
    (browser, tokens)
}

/// `browser` signs in through `client`'s code flow; the application's
/// tokens.
async fn sign_in(app: &TestApp, client: &TestClient, browser: &Browser) -> Value {
    let pkce = Pkce::new();
    let start = authorize_path(
        client,
        &pkce,
        &[("scope", "openid email"), ("nonce", "n-1")],
    );
    let callback = walk_to_callback(app, browser, &start).await;
    let code = query_param(&callback, "code").expect("a code");
    let tokens = tokens(exchange(app, client, &code, &pkce.verifier).await).await;
    assert!(tokens["id_token"].is_string(), "{tokens}");
    tokens
}

/// Whether `browser` still has a session at latchkey: `prompt=none`
/// answers with a code, or with `login_required`.
async fn has_session(browser: &Browser, client: &TestClient) -> bool {
    let path = authorize_path(
        client,
        &Pkce::new(),
        &[("scope", "openid"), ("prompt", "none")],
    );
    let response = browser.get(&path).await;
    assert_eq!(
        response.status(),
        302,
        "prompt=none answers the application"
    );
    let back = location(&response);
    assert!(back.starts_with(&client.redirect_uri), "{back}");
    match (query_param(&back, "code"), query_param(&back, "error")) {
        (Some(_), None) => true,
        (None, Some(error)) if error == "login_required" => false,
        _ => panic!("neither a code nor login_required: {back}"),
    }
}

/// A browser whose cookies live in `jar`, to read or to copy.
fn with_jar(app: &TestApp, jar: Arc<Jar>) -> Browser {
    let http = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Browser::with_client(app, http)
}

fn logout_path(fields: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        query.append_pair(name, value);
    }
    format!("/logout?{}", query.finish())
}

#[tokio::test]
async fn logout_with_the_sessions_id_token_hint_signs_out_and_returns_with_state() {
    let app = TestApp::spawn().await;
    let client = client_with_return(&app);
    let jar = Arc::new(Jar::default());
    let browser = with_jar(&app, jar.clone());
    let tokens = sign_in(&app, &client, &browser).await;
    let id_token = tokens["id_token"].as_str().expect("id_token");
    assert!(has_session(&browser, &client).await);
    let site: url::Url = app.url("/").parse().expect("URL");
    let cookies = jar.cookies(&site).expect("the session's cookies");
    // The same cookies in another browser (as if stolen): signed in too.
    let copy = Arc::new(Jar::default());
    for cookie in cookies.to_str().expect("ASCII").split("; ") {
        copy.add_cookie_str(cookie, &site);
    }
    let replay = with_jar(&app, copy);
    assert!(has_session(&replay, &client).await);

    let response = browser
        .get(&logout_path(&[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "xyz"),
        ]))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{SIGNED_OUT}?state=xyz"));
    assert!(
        !has_session(&browser, &client).await,
        "the browser's session at latchkey has ended"
    );
    // Ended at the server, not only forgotten by the browser: the copied
    // cookies are refused now.
    assert!(!has_session(&replay, &client).await);

    // The application's own session is its business (RP-initiated logout
    // ends the provider's session): its tokens keep working until it
    // drops or revokes them.
    let access = tokens["access_token"].as_str().expect("access_token");
    assert_eq!(app.get_with_bearer("/userinfo", access).await.status(), 200);
    let refresh = tokens["refresh_token"].as_str().expect("refresh_token");
    let refreshed = app
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", &client.id),
                ("client_secret", client.secret.as_deref().expect("secret")),
            ],
        )
        .await;
    assert_eq!(refreshed.status(), 200);
}

#[tokio::test]
async fn logout_without_a_hint_asks_first_and_signs_out_only_when_confirmed() {
    let app = TestApp::spawn().await;
    let client = client_with_return(&app);
    let (browser, _) = signed_in(&app, &client).await;

    let page = browser
        .get(&logout_path(&[
            ("client_id", &client.id),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "xyz"),
        ]))
        .await;
    assert_eq!(page.status(), 200, "a confirmation page");
    let html = page.text().await.expect("body");
    assert!(
        html.contains(r#"<form method="post" action="/logout">"#),
        "{html}"
    );
    assert!(
        has_session(&browser, &client).await,
        "a link alone signs nobody out"
    );

    // A hint from another browser's sign-in does not name this session:
    // asked first too.
    let (_, elsewhere) = signed_in(&app, &client).await;
    let other_hint = elsewhere["id_token"].as_str().expect("id_token");
    let asked = browser
        .get(&logout_path(&[
            ("id_token_hint", other_hint),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "xyz"),
        ]))
        .await;
    assert_eq!(asked.status(), 200, "a confirmation page");
    assert!(
        asked
            .text()
            .await
            .expect("body")
            .contains(r#"action="/logout""#)
    );
    assert!(has_session(&browser, &client).await);

    let fields = hidden_fields(&html);
    for name in [
        "csrf_token",
        "post_logout_redirect_uri",
        "state",
        "client_id",
    ] {
        assert!(fields.iter().any(|(n, _)| n == name), "{name}: {fields:?}");
    }
    let confirmed = confirm(&browser, &html).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), format!("{SIGNED_OUT}?state=xyz"));
    assert!(!has_session(&browser, &client).await);

    // Signed in again, the page that the other browser's hint showed (the
    // application known from the hint alone), confirmed.
    sign_in(&app, &client, &browser).await;
    let asked = browser
        .get(&logout_path(&[
            ("id_token_hint", other_hint),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "abc"),
        ]))
        .await;
    assert_eq!(asked.status(), 200);
    let confirmed = confirm(&browser, &asked.text().await.expect("body")).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), format!("{SIGNED_OUT}?state=abc"));
    assert!(!has_session(&browser, &client).await);
}

/// Posts the confirmation form of a sign-out page, as the person would.
async fn confirm(browser: &Browser, html: &str) -> reqwest::Response {
    let fields = hidden_fields(html);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post("/logout", &pairs).await
}

#[tokio::test]
async fn logout_to_an_unregistered_address_or_with_a_forged_hint_is_refused_with_a_page() {
    let app = TestApp::spawn().await;
    let client = client_with_return(&app);
    let (browser, tokens) = signed_in(&app, &client).await;
    let id_token = tokens["id_token"].as_str().expect("id_token");

    for uri in [
        "https://evil.example/signed-out",
        // The redirect URI is registered for sign-in, not for sign-out.
        client.redirect_uri.as_str(),
        "https://app.example/signed-out/",
    ] {
        let response = browser
            .get(&logout_path(&[
                ("id_token_hint", id_token),
                ("post_logout_redirect_uri", uri),
                ("state", "xyz"),
            ]))
            .await;
        assert_eq!(response.status(), 400, "{uri}");
        assert!(response.headers().get("location").is_none(), "{uri}");
        let html = response.text().await.expect("body");
        assert!(html.contains("not registered"), "{uri}: {html}");
    }
    assert!(has_session(&browser, &client).await, "nothing ended");

    // Another application's return address, with this one's hint or id.
    let other = app.add_client(ClientSpec {
        redirect_uris: &["https://other.example/callback"],
        post_logout_redirect_uris: &["https://other.example/signed-out"],
        ..ClientSpec::default()
    });
    for (name, value) in [
        ("id_token_hint", id_token),
        ("client_id", client.id.as_str()),
    ] {
        let response = browser
            .get(&logout_path(&[
                (name, value),
                (
                    "post_logout_redirect_uri",
                    "https://other.example/signed-out",
                ),
            ]))
            .await;
        assert_eq!(response.status(), 400, "{name}");
        assert!(response.headers().get("location").is_none(), "{name}");
    }
    // A hint of one application with the id of another.
    let response = browser
        .get(&logout_path(&[
            ("id_token_hint", id_token),
            ("client_id", &other.id),
            (
                "post_logout_redirect_uri",
                "https://other.example/signed-out",
            ),
        ]))
        .await;
    assert_eq!(response.status(), 400);
    assert!(has_session(&browser, &client).await, "nothing ended");

    // The hint with its subject changed: its signature no longer holds.
    let forged = forge(id_token, "sub", "someone-else");
    let response = browser
        .get(&logout_path(&[
            ("id_token_hint", &forged),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "xyz"),
        ]))
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(has_session(&browser, &client).await, "nothing ended");
}

/// `jwt` with `claim` changed in its payload, header and signature kept.
fn forge(jwt: &str, claim: &str, value: &str) -> String {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url"))
            .expect("JSON");
    assert_ne!(payload[claim], value);
    payload[claim] = Value::from(value);
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}
