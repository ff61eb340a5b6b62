use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{EMAIL, TestApp};

fn now() -> i64 {
    latchkey::clock::now_unix()
}

/// Signs `claims` with the app's own secret and kid, for forged-token tests.
fn sign(app: &TestApp, alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let secret = app.signing_secret();
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(&secret)).expect("sign")
}

async fn real_kid(app: &TestApp) -> String {
    real_kid_and_sid(app).await.0
}

/// The `kid` and the `sid` (a live session) of a freshly issued token.
async fn real_kid_and_sid(app: &TestApp) -> (String, String) {
    let token = app.access_token().await;
    let kid = jsonwebtoken::decode_header(&token)
        .expect("header")
        .kid
        .expect("kid");
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .expect("decode")
        .claims;
    (kid, claims["sid"].as_str().expect("sid").to_owned())
}

fn claims(app: &TestApp, overrides: Value) -> Value {
    let mut claims = json!({
        "sub": EMAIL, "iat": now(), "nbf": now(), "exp": now() + 600,
        "jti": "test", "iss": app.settings.issuer, "scope": "read",
    });
    for (k, v) in overrides.as_object().expect("object") {
        claims[k] = v.clone();
    }
    claims
}

async fn assert_invalid_token(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(body["detail"], "Could not validate credentials");
}

#[tokio::test]
async fn a_valid_token_shows_who_you_are() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;
    let response = app.get_me(&token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["email"], EMAIL);
    assert_eq!(body["scopes"], json!(["read"]));
    let created = body["created_at"].as_str().expect("created_at");
    assert!(humantime::parse_rfc3339(created).is_ok(), "{created}");
    assert_eq!(
        body.as_object().expect("object").len(),
        3,
        "no hash or id leaks: {body}"
    );
}

#[tokio::test]
async fn no_token_is_401_with_a_bare_bearer_challenge() {
    let app = TestApp::spawn().await;
    let response = app.get("/users/me").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["detail"], "Not authenticated");

    let response = app
        .get_with("/users/me", &[("Authorization", "Basic YWxpY2U6cHc=")])
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn garbage_is_an_invalid_token() {
    let app = TestApp::spawn().await;
    assert_invalid_token(app.get_me("not-a-jwt").await).await;
    assert_invalid_token(app.get_me("a.b.c").await).await;
}

#[tokio::test]
async fn a_token_with_a_tampered_payload_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let forged = claims(&app, json!({"scope": "admin"}));
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged.to_string());
    assert_invalid_token(app.get_me(&parts.join(".")).await).await;
}

#[tokio::test]
async fn expired_future_and_foreign_issuer_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (kid, sid) = real_kid_and_sid(&app).await;
    let good = sign(
        &app,
        Algorithm::HS256,
        Some(&kid),
        &claims(&app, json!({"sid": sid})),
    );
    assert_eq!(
        app.get_me(&good).await.status(),
        200,
        "the forging helper itself works"
    );

    let expired = claims(
        &app,
        json!({"sid": sid, "iat": now() - 7200, "nbf": now() - 7200, "exp": now() - 3600}),
    );
    let not_yet = claims(
        &app,
        json!({"sid": sid, "nbf": now() + 3600, "exp": now() + 7200}),
    );
    let foreign = claims(&app, json!({"sid": sid, "iss": "https://evil.example"}));
    let no_exp = {
        let mut c = claims(&app, json!({"sid": sid}));
        c.as_object_mut().expect("object").remove("exp");
        c
    };
    for bad in [expired, not_yet, foreign, no_exp] {
        let token = sign(&app, Algorithm::HS256, Some(&kid), &bad);
        assert_invalid_token(app.get_me(&token).await).await;
    }
}

#[tokio::test]
async fn a_wrong_algorithm_or_kid_is_refused() {
    let app = TestApp::spawn().await;
    let kid = real_kid(&app).await;
    let c = claims(&app, json!({}));
    assert_invalid_token(
        app.get_me(&sign(&app, Algorithm::HS512, Some(&kid), &c))
            .await,
    )
    .await;
    assert_invalid_token(
        app.get_me(&sign(&app, Algorithm::HS256, Some("other"), &c))
            .await,
    )
    .await;
    assert_invalid_token(app.get_me(&sign(&app, Algorithm::HS256, None, &c)).await).await;

    // alg "none": header and payload, empty signature.
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
        b64(&c)
    );
    assert_invalid_token(app.get_me(&none).await).await;
}

#[tokio::test]
async fn a_disabled_users_token_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;
    latchkey::db::users::set_disabled(&mut app.connection(), EMAIL, true).expect("disable");
    assert_invalid_token(app.get_me(&token).await).await;
}

#[tokio::test]
async fn a_configured_audience_is_issued_and_required() {
    let app = TestApp::spawn_with(|s| s.audience = Some("https://api.example".into())).await;
    let token = app.access_token().await;
    let claims_of = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .expect("decode")
        .claims;
    assert_eq!(claims_of["aud"], "https://api.example");
    assert_eq!(app.get_me(&token).await.status(), 200);

    let kid = real_kid(&app).await;
    let other = sign(
        &app,
        Algorithm::HS256,
        Some(&kid),
        &claims(&app, json!({"aud": "https://other.example"})),
    );
    assert_invalid_token(app.get_me(&other).await).await;
    let none = sign(&app, Algorithm::HS256, Some(&kid), &claims(&app, json!({})));
    assert_invalid_token(app.get_me(&none).await).await;
}

#[tokio::test]
async fn a_token_without_a_session_is_refused() {
    let app = TestApp::spawn().await;
    let (kid, sid) = real_kid_and_sid(&app).await;
    let with_session = sign(
        &app,
        Algorithm::HS256,
        Some(&kid),
        &claims(&app, json!({"sid": sid})),
    );
    assert_eq!(app.get_me(&with_session).await.status(), 200);

    let mut no_sid = claims(&app, json!({}));
    no_sid.as_object_mut().expect("object").remove("sid");
    for bad in [
        no_sid,
        claims(&app, json!({"sid": "not-a-number"})),
        claims(&app, json!({"sid": 42})),
    ] {
        let token = sign(&app, Algorithm::HS256, Some(&kid), &bad);
        assert_invalid_token(app.get_me(&token).await).await;
    }
}
