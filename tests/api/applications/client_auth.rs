//! Client authentication at the token endpoint.

use super::{code_for, exchange};
use crate::support::{ClientSpec, Pkce, TestApp};

#[tokio::test]
async fn a_wrong_secret_is_invalid_client_with_a_basic_challenge() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", client.redirect_uri.as_str()),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let basic = app
        .client_basic("/token", &client.id, "wrong", &fields)
        .await;
    assert_eq!(basic.status(), 401);
    assert!(
        basic.headers()["www-authenticate"]
            .to_str()
            .expect("ascii")
            .starts_with("Basic")
    );
    let body: serde_json::Value = basic.json().await.expect("json");
    assert_eq!(body["error"], "invalid_client");

    let mut posted = fields.to_vec();
    posted.push(("client_id", &client.id));
    posted.push(("client_secret", "wrong"));
    let post = app.post_form("/token", &posted).await;
    assert_eq!(post.status(), 401);

    // A confidential client cannot pass as public by leaving out its secret.
    let mut bare = fields.to_vec();
    bare.push(("client_id", &client.id));
    assert_eq!(app.post_form("/token", &bare).await.status(), 401);

    // Two methods at once is a malformed request.
    let secret = client.secret.clone().expect("secret");
    let mut both = fields.to_vec();
    both.push(("client_secret", &secret));
    assert_eq!(
        app.client_basic("/token", &client.id, &secret, &both)
            .await
            .status(),
        400
    );

    // None of that spent the code.
    assert_eq!(
        exchange(&app, &client, &code, &pkce.verifier)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_code_grant_needs_a_registered_client() {
    let app = TestApp::spawn().await;
    for fields in [
        vec![("grant_type", "authorization_code"), ("code", "x")],
        vec![
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", "0123456789abcdef0123456789abcdef"),
        ],
    ] {
        let response = app.post_form("/token", &fields).await;
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"], "invalid_client");
    }
}

#[tokio::test]
async fn a_client_without_the_password_grant_may_not_use_it_but_the_seed_may() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let fields = [
        ("grant_type", "password"),
        ("username", crate::support::EMAIL),
        ("password", crate::support::PASSWORD),
    ];
    let refused = app
        .client_basic(
            "/token",
            &client.id,
            client.secret.as_deref().expect("s"),
            &fields,
        )
        .await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "unauthorized_client");

    let allowed = app.add_client(ClientSpec {
        grants: &["password"],
        ..ClientSpec::default()
    });
    let ok = app
        .client_basic(
            "/token",
            &allowed.id,
            allowed.secret.as_deref().expect("s"),
            &fields,
        )
        .await;
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.expect("json");
    let claims = super::claims(body["access_token"].as_str().expect("token"));
    assert_eq!(claims["client_id"], allowed.id.as_str());

    // No client_id, or one the seed would have ignored: the built-in client.
    assert_eq!(app.post_form("/token", &fields).await.status(), 200);
}
