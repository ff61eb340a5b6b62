//! Malformed requests get a clear 4xx, never a 422, a 500 or a hang.

use serde_json::Value;

use crate::support::{EMAIL, PASSWORD, TestApp, form};

async fn assert_invalid_request(response: reqwest::Response, mentions: &str) {
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_request");
    let description = body["error_description"].as_str().expect("description");
    assert!(
        description.contains(mentions),
        "{description:?} should mention {mentions:?}"
    );
    assert_eq!(body["detail"], body["error_description"]);
}

#[tokio::test]
async fn malformed_percent_encoding_is_400() {
    let app = TestApp::spawn().await;
    let response = app
        .post_token(&format!("username={EMAIL}&password=%E2%28%zz"))
        .await;
    assert_invalid_request(response, "percent-encoding").await;
}

#[tokio::test]
async fn invalid_utf8_is_400() {
    let app = TestApp::spawn().await;
    let response = app
        .post_token("username=alice%40example.com&password=%C3%28")
        .await;
    assert_invalid_request(response, "UTF-8").await;
}

#[tokio::test]
async fn a_repeated_field_is_400() {
    let app = TestApp::spawn().await;
    assert_invalid_request(
        app.post_form(
            "/token",
            &[
                ("username", EMAIL),
                ("password", "x"),
                ("password", PASSWORD),
            ],
        )
        .await,
        "repeated",
    )
    .await;
}

#[tokio::test]
async fn a_json_body_is_400() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/token"))
        .json(&serde_json::json!({"username": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("request");
    assert_invalid_request(response, "x-www-form-urlencoded").await;
}

#[tokio::test]
async fn a_missing_content_type_is_400() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/token"))
        .body(form(&[("username", EMAIL), ("password", PASSWORD)]))
        .send()
        .await
        .expect("request");
    assert_invalid_request(response, "x-www-form-urlencoded").await;
}

#[tokio::test]
async fn a_body_over_16_kib_is_413() {
    let app = TestApp::spawn().await;
    for size in [16 * 1024 + 1, 1024 * 1024] {
        let response = app
            .post_form(
                "/token",
                &[("username", EMAIL), ("password", &"a".repeat(size))],
            )
            .await;
        assert_eq!(response.status(), 413, "size {size}");
        let json: Value = response.json().await.expect("json");
        assert_eq!(json["error"], "invalid_request");
    }
}

#[tokio::test]
async fn a_chunked_body_over_16_kib_is_413() {
    let app = TestApp::spawn().await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..40).map(|_| Ok(b"a".repeat(1024))).collect();
    let response = app
        .client
        .post(app.url("/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn other_methods_on_token_are_405_with_allow() {
    let app = TestApp::spawn().await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/token"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "POST");
    }
    let response = app
        .client
        .post(app.url("/users/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn unknown_paths_are_a_json_404() {
    let app = TestApp::spawn().await;
    let response = app.get("/nope").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["detail"], "Not Found");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"));
}
