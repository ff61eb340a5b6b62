//! An OpenID Connect relying party on Authlib (Python), which nobody here
//! wrote: tests/clients/authlib_oidc_rp.py starts from the issuer alone,
//! verifies id_tokens with `authlib.jose` against the published JWKS, and
//! prints what happened.
//!
//! Like tests/api/authlib_client.rs: without authlib the test fails when
//! `CI` is set, and says loudly that it was skipped otherwise.

use serde_json::{Value, json};

use crate::authlib_client::{authlib_available, run_python_client};
use crate::support::{ClientSpec, EMAIL, TestApp, TestClient};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clients/authlib_oidc_rp.py"
);

#[tokio::test]
async fn an_authlib_rp_verifies_id_tokens_with_the_jwks_calls_userinfo_and_refreshes() {
    if !authlib_available() {
        return;
    }
    let app = TestApp::spawn_at_own_url().await;
    let client = app.add_client(ClientSpec::default());
    let summary = run_script(&app, &client).await;
    assert_eq!(summary["public"], false);
    assert_the_rp(&app, &client, &summary);
}

#[tokio::test]
async fn an_authlib_rp_with_a_public_client_verifies_id_tokens_too() {
    if !authlib_available() {
        return;
    }
    let app = TestApp::spawn_at_own_url().await;
    let client = app.add_client(ClientSpec {
        public: true,
        ..ClientSpec::default()
    });
    let summary = run_script(&app, &client).await;
    assert_eq!(summary["public"], true);
    assert_the_rp(&app, &client, &summary);
}

#[tokio::test]
async fn an_authlib_rp_verifies_eddsa_id_tokens_of_an_application_registered_for_them() {
    if !authlib_available() {
        return;
    }
    let app = TestApp::spawn_at_own_url().await;
    let client = app.add_client(ClientSpec {
        id_token_alg: "EdDSA",
        ..ClientSpec::default()
    });
    let summary = run_script(&app, &client).await;
    assert_the_rp_with(&app, &client, &summary, "EdDSA");
}

fn assert_the_rp(app: &TestApp, client: &TestClient, summary: &Value) {
    assert_the_rp_with(app, client, summary, "RS256");
}

fn assert_the_rp_with(app: &TestApp, client: &TestClient, summary: &Value, alg: &str) {
    assert_eq!(summary["pages"], json!(["login", "consent"]));
    assert_eq!(summary["id_token_alg"], alg);
    let published = app_kids(app, alg);
    assert!(
        summary["id_token_kid"]
            .as_str()
            .is_some_and(|kid| published.iter().any(|k| k == kid)),
        "{summary}"
    );
    let id_token = &summary["id_token"];
    assert_eq!(id_token["iss"], app.settings.issuer.as_str());
    assert_eq!(id_token["aud"], client.id.as_str());
    assert_eq!(id_token["email"], EMAIL);
    assert_eq!(id_token["amr"], json!(["pwd"]));
    let sub = id_token["sub"].as_str().expect("sub");
    assert_ne!(sub, EMAIL, "sub is an opaque id");
    assert!(id_token["auth_time"].is_i64(), "{id_token}");

    let refused = &summary["refused"];
    for (case, claim) in [
        ("other_audience", "aud"),
        ("other_nonce", "nonce"),
        ("other_access_token", "at_hash"),
        ("other_issuer", "iss"),
    ] {
        assert!(
            refused[case]
                .as_str()
                .is_some_and(|why| why.contains(&format!("'{claim}'"))
                    || why.contains(&format!("\"{claim}\""))),
            "{case}: {refused}"
        );
    }

    assert_eq!(summary["userinfo"]["status"], 200);
    assert_eq!(summary["userinfo"]["body"]["sub"], sub);
    assert_eq!(summary["userinfo"]["body"]["email"], EMAIL);

    let refreshed = &summary["refreshed"];
    assert_eq!(refreshed["new_access_token"], true, "{refreshed}");
    assert_eq!(refreshed["same_sub"], true, "{refreshed}");
    assert_eq!(refreshed["auth_time"], id_token["auth_time"], "{refreshed}");
    assert_eq!(refreshed["iat_later"], true, "{refreshed}");
}

/// The kids of `alg` keys in the server's key ring, read from its data dir.
fn app_kids(app: &TestApp, alg: &str) -> Vec<String> {
    let path = latchkey::auth::keys::KeyRing::path(&app.data_dir());
    let ring: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the key ring")).expect("JSON");
    ring["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter(|k| k["alg"] == alg)
        .filter_map(|k| k["kid"].as_str().map(str::to_owned))
        .collect()
}

async fn run_script(app: &TestApp, client: &TestClient) -> Value {
    let args = ["--issuer", app.settings.issuer.as_str()];
    run_python_client(SCRIPT, &args, client, "the Authlib RP").await
}
