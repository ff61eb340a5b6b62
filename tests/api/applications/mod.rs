//! Applications (OAuth2 clients): the authorization-code flow with PKCE
//! through sign-in and consent, the code exchange, client credentials,
//! introspection and revocation, each with its attack list (RFC 9700,
//! RFC 6749 §10).

mod attacks;
mod cli;
mod client_auth;
mod code_flow;
mod consent;
mod id_tokens;
mod oauth2_crate;

use crate::support::{
    Browser, EMAIL, PASSWORD, Pkce, TestApp, TestClient, hidden_fields, location, query_param,
};

/// `/authorize?...` for `client` with `pkce`, state `st`, and `extra`.
pub fn authorize_path(client: &TestClient, pkce: &Pkce, extra: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", &client.redirect_uri)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", "st-1");
    for (name, value) in extra {
        query.append_pair(name, value);
    }
    format!("/authorize?{}", query.finish())
}

/// Walks `browser` from `start` (an `/authorize` path) through sign-in
/// and consent (allowing) to the redirect back to the application, whose
/// URL is returned.
pub async fn walk_to_callback(app: &TestApp, browser: &Browser, start: &str) -> String {
    let mut response = browser.get(start).await;
    for _ in 0..6 {
        let status = response.status().as_u16();
        if status == 302 || status == 303 {
            let target = location(&response);
            if !target.starts_with('/') && !target.starts_with(&app.url("")) {
                return target;
            }
            if target.starts_with("/login") {
                response = browser.sign_in(&target, EMAIL, PASSWORD).await;
            } else {
                response = browser.get(&target).await;
            }
            continue;
        }
        if status != 200 {
            panic!(
                "expected a page, got {status}: {}",
                response.text().await.unwrap_or_default()
            );
        }
        let html = response.text().await.expect("body");
        assert!(html.contains("decision"), "a consent page: {html}");
        let mut fields = hidden_fields(&html);
        fields.push(("decision".into(), "allow".into()));
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        response = browser.post("/authorize", &pairs).await;
    }
    panic!("the flow did not come back to the application");
}

/// A code for `client`, through a fresh browser.
pub async fn code_for(app: &TestApp, client: &TestClient, pkce: &Pkce) -> String {
    let browser = Browser::new(app);
    let callback = walk_to_callback(app, &browser, &authorize_path(client, pkce, &[])).await;
    query_param(&callback, "code").expect("a code")
}

/// `POST /token` exchanging `code`, the client authenticating with its
/// secret in the form (or with its id alone if public).
pub async fn exchange(
    app: &TestApp,
    client: &TestClient,
    code: &str,
    verifier: &str,
) -> reqwest::Response {
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", client.redirect_uri.as_str()),
        ("code_verifier", verifier),
        ("client_id", client.id.as_str()),
    ];
    if let Some(secret) = &client.secret {
        fields.push(("client_secret", secret));
    }
    app.post_form("/token", &fields).await
}

/// The JSON of a successful token response.
pub async fn tokens(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), 200, "token response");
    response.json().await.expect("json")
}

/// The claims of a JWT, unverified (the server verifies; tests read).
pub fn claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json claims")
}
