//! What an id_token says, that it verifies with the published keys, and
//! userinfo and discovery beside it.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::{authorize_path, claims, exchange, tokens, walk_to_callback};
use crate::support::{Browser, ClientSpec, EMAIL, Pkce, TestApp, query_param};

/// Verifies `id_token` with nothing but the published JWKS, for `aud`.
async fn verify(app: &TestApp, id_token: &str, aud: &str) -> Value {
    let header = jsonwebtoken::decode_header(id_token).expect("header");
    let alg = header.alg;
    let kid = header.kid.expect("kid");
    let set: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .expect("jwks");
    let jwk = set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the signing key is published");
    let key = match alg {
        Algorithm::RS256 => DecodingKey::from_rsa_components(
            jwk["n"].as_str().expect("n"),
            jwk["e"].as_str().expect("e"),
        )
        .expect("rsa key"),
        Algorithm::EdDSA => {
            DecodingKey::from_ed_components(jwk["x"].as_str().expect("x")).expect("ed key")
        }
        other => panic!("an id_token signed with {other:?}"),
    };
    let mut validation = Validation::new(alg);
    validation.set_audience(&[aud]);
    validation.set_issuer(&[app.settings.issuer.as_str()]);
    jsonwebtoken::decode::<Value>(id_token, &key, &validation)
        .expect("the id_token verifies")
        .claims
}

#[tokio::test]
async fn the_code_exchange_gives_an_id_token_with_the_sign_in_and_the_nonce() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let browser = Browser::new(&app);
    let before = latchkey::clock::now_unix();
    let start = authorize_path(
        &client,
        &pkce,
        &[("scope", "openid email"), ("nonce", "n-0S6_WzA2Mj")],
    );
    let callback = walk_to_callback(&app, &browser, &start).await;
    let code = query_param(&callback, "code").expect("code");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let access = body["access_token"].as_str().expect("access");
    let id_token = body["id_token"].as_str().expect("an id_token");

    assert_eq!(
        jsonwebtoken::decode_header(id_token).expect("header").alg,
        Algorithm::RS256,
        "RS256 by default"
    );
    let id = verify(&app, id_token, &client.id).await;
    assert_eq!(id["iss"], app.settings.issuer.as_str());
    assert_eq!(id["aud"], client.id.as_str());
    assert_eq!(id["azp"], client.id.as_str());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["amr"], serde_json::json!(["pwd"]));
    assert_eq!(id["email"], EMAIL);
    assert_eq!(id["email_verified"], false);
    let sub = id["sub"].as_str().expect("sub");
    assert_ne!(sub, EMAIL, "sub is the stable id, not the email");
    let auth_time = id["auth_time"].as_i64().expect("auth_time");
    assert!(auth_time >= before && auth_time <= latchkey::clock::now_unix());
    assert!(id["sid"].is_string());
    assert_eq!(
        id["at_hash"].as_str(),
        Some(latchkey::auth::id_token::at_hash(access, latchkey::config::JwtAlg::Rs256).as_str())
    );

    // A refresh brings a new id_token about the same sign-in, no nonce.
    let secret = client.secret.as_deref().expect("secret");
    let refreshed = app
        .client_basic(
            "/token",
            &client.id,
            secret,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", body["refresh_token"].as_str().expect("r")),
            ],
        )
        .await;
    let refreshed = tokens(refreshed).await;
    let again = verify(
        &app,
        refreshed["id_token"].as_str().expect("id_token"),
        &client.id,
    )
    .await;
    assert_eq!(again["sub"], sub);
    assert_eq!(again["auth_time"], auth_time);
    assert_eq!(again["sid"], id["sid"]);
    assert!(again.get("nonce").is_none());

    // Userinfo with the application's token.
    let info: Value = app
        .get_with_bearer("/userinfo", refreshed["access_token"].as_str().expect("a"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        info,
        serde_json::json!({"sub": sub, "email": EMAIL, "email_verified": false})
    );
}

#[tokio::test]
async fn no_openid_no_id_token_and_no_userinfo() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let browser = Browser::new(&app);
    let start = authorize_path(&client, &pkce, &[("scope", "read")]);
    let code = query_param(&walk_to_callback(&app, &browser, &start).await, "code").expect("c");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    assert!(body.get("id_token").is_none());
    let access = body["access_token"].as_str().expect("access");
    assert_eq!(claims(access)["scope"], "read");
    let refused = app.get_with_bearer("/userinfo", access).await;
    assert_eq!(refused.status(), 403);
    // Nor with the seed's password grant.
    let seed = app.access_token().await;
    assert_eq!(app.get_with_bearer("/userinfo", &seed).await.status(), 403);
    assert_eq!(app.get("/userinfo").await.status(), 401);
}

#[tokio::test]
async fn discovery_describes_the_provider_with_every_url_under_the_issuer() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .expect("json");
    let issuer = app.settings.issuer.as_str();
    assert_eq!(doc["issuer"], issuer);
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("end_session_endpoint", "/logout"),
        ("jwks_uri", "/.well-known/jwks.json"),
    ] {
        assert_eq!(doc[key], format!("{issuer}{path}"), "{key}");
    }
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256", "EdDSA"])
    );
    assert_eq!(
        doc["subject_types_supported"],
        serde_json::json!(["public"])
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    let rfc8414: Value = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(rfc8414["userinfo_endpoint"], doc["userinfo_endpoint"]);
    assert_eq!(rfc8414["end_session_endpoint"], doc["end_session_endpoint"]);
}

#[tokio::test]
async fn an_application_registered_for_eddsa_gets_eddsa_id_tokens() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        id_token_alg: "EdDSA",
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let browser = Browser::new(&app);
    let start = authorize_path(&client, &pkce, &[("scope", "openid")]);
    let code = query_param(&walk_to_callback(&app, &browser, &start).await, "code").expect("c");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let id_token = body["id_token"].as_str().expect("id_token");
    assert_eq!(
        jsonwebtoken::decode_header(id_token).expect("header").alg,
        Algorithm::EdDSA
    );
    let id = verify(&app, id_token, &client.id).await;
    assert_eq!(id["aud"], client.id.as_str());
}
