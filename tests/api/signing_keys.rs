//! EdDSA with a published JWK set, key rotation, and the metadata document.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::cli::{assert_fails_with, latchkey, latchkey_with_env, stderr, stdout};
use crate::support::{EMAIL, TestApp};

async fn full_jwks(app: &TestApp) -> Value {
    let response = app.get("/.well-known/jwks.json").await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// The EdDSA keys of the published set: without the RS256 keys that sign
/// id_tokens, which rotate alongside (see tests/api/applications).
async fn jwks(app: &TestApp) -> Value {
    let mut set = full_jwks(app).await;
    if let Some(keys) = set["keys"].as_array_mut() {
        keys.retain(|k| k["alg"] != "RS256");
    }
    set
}

/// Verifies `token` the way an outside service would: with nothing but the
/// published JWK set.
fn verify_with_jwks(
    set: &Value,
    token: &str,
    issuer: &str,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let set: JwkSet = serde_json::from_value(set.clone()).expect("a valid JWK set");
    let kid = jsonwebtoken::decode_header(token)?.kid.expect("kid");
    let jwk = set.find(&kid).expect("the token's kid is published");
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk)?, &validation)
        .map(|d| d.claims)
}

fn eddsa(settings: &mut latchkey::config::Settings) {
    settings.jwt_alg = latchkey::config::JwtAlg::EdDsa;
}

#[tokio::test]
async fn in_hs256_mode_the_key_set_holds_only_the_id_token_keys_never_the_secret() {
    let app = TestApp::spawn().await;
    let set = full_jwks(&app).await;
    let keys = set["keys"].as_array().expect("keys");
    let mut algs: Vec<&str> = keys.iter().filter_map(|k| k["alg"].as_str()).collect();
    algs.sort_unstable();
    assert_eq!(algs, ["EdDSA", "RS256"], "{set}");
    for key in keys {
        assert_ne!(key["kty"], "oct", "never the HS256 secret");
        for private in ["d", "p", "q", "k"] {
            assert!(key.get(private).is_none(), "never {private}");
        }
    }
}

#[tokio::test]
async fn an_eddsa_token_verifies_with_nothing_but_the_published_jwks() {
    let app = TestApp::spawn_with(eddsa).await;
    let token = app.access_token().await;
    assert_eq!(
        jsonwebtoken::decode_header(&token).expect("header").alg,
        Algorithm::EdDSA
    );

    let set = jwks(&app).await;
    let keys = set["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kty"], "OKP");
    assert_eq!(keys[0]["crv"], "Ed25519");
    assert_eq!(keys[0]["use"], "sig");
    assert_eq!(keys[0]["alg"], "EdDSA");
    assert!(keys[0].get("d").is_none(), "never the private part");

    let claims = verify_with_jwks(&set, &token, &app.settings.issuer).expect("verifies");
    assert_eq!(claims["sub"], EMAIL);
    assert_eq!(app.get_me(&token).await.status(), 200);
    pyjwt_jwk_client_verifies(&app, &token);
}

/// PyJWT's `PyJWKClient` fetching the JWKS URL, when python3 has PyJWT with
/// its crypto extra (`.ci/run` installs it).
fn pyjwt_jwk_client_verifies(app: &TestApp, token: &str) {
    let script = "import jwt,sys\n\
        key = jwt.PyJWKClient(sys.argv[1]).get_signing_key_from_jwt(sys.argv[2])\n\
        print(jwt.decode(sys.argv[2], key.key, algorithms=['EdDSA'])['sub'])";
    let url = app.url("/.well-known/jwks.json");
    let output = std::process::Command::new("python3")
        .args(["-c", script, &url, token])
        .output();
    match output {
        Ok(out) if out.status.success() => {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), EMAIL)
        }
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("No module named") => {
            eprintln!(
                "!!! SKIPPED: python3 lacks PyJWT[crypto], so the PyJWKClient check did not run !!!"
            );
        }
        Ok(out) => panic!(
            "PyJWKClient refused the token: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("!!! SKIPPED: no python3, so the PyJWKClient check did not run !!!"),
    }
}

#[tokio::test]
async fn a_rotated_key_is_published_at_once_signs_next_and_old_tokens_still_verify() {
    let app = TestApp::spawn_with(eddsa).await;
    let old_token = app.access_token().await;
    let old_kid = jsonwebtoken::decode_header(&old_token)
        .expect("header")
        .kid
        .expect("kid");

    let dir = app.data_dir().display().to_string();
    let eddsa_env = [("LATCHKEY_JWT_ALG", "EdDSA")];
    let rotated = latchkey_with_env(&["--data-dir", &dir, "keys", "rotate"], None, &eddsa_env);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );

    let set = jwks(&app).await;
    let kids: Vec<&str> = set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert_eq!(
        kids.len(),
        2,
        "old and new key are both published: {kids:?}"
    );

    let new_token = app.access_token().await;
    let new_kid = jsonwebtoken::decode_header(&new_token)
        .expect("header")
        .kid
        .expect("kid");
    assert_ne!(new_kid, old_kid, "the new key signs");
    assert!(kids.contains(&new_kid.as_str()));
    assert_eq!(
        app.get_me(&old_token).await.status(),
        200,
        "old tokens keep verifying"
    );
    verify_with_jwks(&set, &old_token, &app.settings.issuer)
        .expect("old token verifies from the JWKS");

    let listed = stdout(&latchkey_with_env(
        &["--data-dir", &dir, "keys", "list"],
        None,
        &eddsa_env,
    ));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&new_kid) && l.ends_with("signing")),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&old_kid) && l.contains("verifying until")),
        "{listed}"
    );
}

#[tokio::test]
async fn keys_retire_once_their_tokens_have_expired() {
    let app = TestApp::spawn().await;
    let old_token = app.access_token().await;
    let dir = app.data_dir().display().to_string();
    assert!(
        latchkey(&["--data-dir", &dir, "keys", "rotate"], None)
            .status
            .success()
    );

    // Move the old key's retirement into the past, as time would.
    let path = app.data_dir().join("keys.json");
    let mut ring: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    for key in ring["keys"].as_array_mut().expect("keys") {
        if !key["retire_at"].is_null() {
            key["retire_at"] = Value::from(1);
        }
    }
    std::fs::write(&path, ring.to_string()).expect("write");
    jwks(&app).await; // triggers the reload

    assert_eq!(app.get_me(&old_token).await.status(), 401);
    assert_eq!(app.get_me(&app.access_token().await).await.status(), 200);
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token)
        .expect("header")
        .kid
        .expect("kid")
}

fn published_kids(set: &Value) -> Vec<String> {
    set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_key_stops_verifying_at_its_retirement_time_without_a_file_change() {
    let app = TestApp::spawn_with(eddsa).await;
    let old_token = app.access_token().await;
    let old_kid = kid_of(&old_token);
    let dir = app.data_dir().display().to_string();
    let eddsa_env = [("LATCHKEY_JWT_ALG", "EdDSA")];
    let rotated = latchkey_with_env(&["--data-dir", &dir, "keys", "rotate"], None, &eddsa_env);
    assert!(rotated.status.success());

    // Bring the old key's retirement close, then leave the file alone.
    let path = app.data_dir().join("keys.json");
    let mut ring: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let retire_at = latchkey::clock::now_unix() + 3;
    for key in ring["keys"].as_array_mut().expect("keys") {
        if key["kid"] == old_kid.as_str() {
            key["retire_at"] = Value::from(retire_at);
        }
    }
    std::fs::write(&path, ring.to_string()).expect("write");
    assert!(published_kids(&jwks(&app).await).contains(&old_kid));
    assert_eq!(app.get_me(&old_token).await.status(), 200);

    while latchkey::clock::now_unix() <= retire_at {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        app.get_me(&old_token).await.status(),
        401,
        "refused from its retirement time on"
    );
    let kids = published_kids(&jwks(&app).await);
    assert!(!kids.contains(&old_kid), "no longer published: {kids:?}");
    assert_eq!(kids.len(), 1);
    assert_eq!(app.get_me(&app.access_token().await).await.status(), 200);
}

#[tokio::test]
async fn keys_retire_ends_a_leaked_signing_key_at_once_and_a_new_key_signs() {
    let app = TestApp::spawn_with(eddsa).await;
    let leaked_token = app.access_token().await;
    let leaked = kid_of(&leaked_token);
    let dir = app.data_dir().display().to_string();
    let eddsa_env = [("LATCHKEY_JWT_ALG", "EdDSA")];

    // Without LATCHKEY_JWT_ALG: the key's own algorithm decides what
    // replaces it, whatever the command's configuration says.
    let retired = latchkey(&["--data-dir", &dir, "keys", "retire", &leaked], None);
    assert!(
        retired.status.success(),
        "{}",
        String::from_utf8_lossy(&retired.stderr)
    );
    let said = stdout(&retired);
    assert!(said.contains(&format!("retired key {leaked}")), "{said}");

    let kids = published_kids(&jwks(&app).await); // also reloads the ring
    assert_eq!(kids.len(), 1, "only the new key is published: {kids:?}");
    assert!(!kids.contains(&leaked));
    assert!(said.contains(&kids[0]), "names the new signing key: {said}");
    assert_eq!(app.get_me(&leaked_token).await.status(), 401);

    let fresh = app.access_token().await;
    assert_eq!(kid_of(&fresh), kids[0], "signed with the new key");
    assert_eq!(app.get_me(&fresh).await.status(), 200);

    let listed = stdout(&latchkey_with_env(
        &["--data-dir", &dir, "keys", "list"],
        None,
        &eddsa_env,
    ));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&leaked) && l.ends_with("retired")),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&kids[0]) && l.ends_with("signing")),
        "{listed}"
    );
}

#[tokio::test]
async fn keys_retire_ends_an_older_key_and_leaves_the_signing_key_alone() {
    let app = TestApp::spawn().await;
    let old_token = app.access_token().await;
    let old_kid = kid_of(&old_token);
    let dir = app.data_dir().display().to_string();
    assert!(
        latchkey(&["--data-dir", &dir, "keys", "rotate"], None)
            .status
            .success()
    );
    jwks(&app).await; // reloads the ring
    let new_token = app.access_token().await;
    let new_kid = kid_of(&new_token);
    assert_ne!(new_kid, old_kid);

    let retired = latchkey(&["--data-dir", &dir, "keys", "retire", &old_kid], None);
    assert!(retired.status.success());
    jwks(&app).await; // reloads the ring now rather than within 10 seconds

    assert_eq!(app.get_me(&old_token).await.status(), 401);
    assert_eq!(app.get_me(&new_token).await.status(), 200);
    assert_eq!(kid_of(&app.access_token().await), new_kid);
}

#[test]
fn keys_retire_refuses_an_unknown_key_and_a_configured_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir = dir.path().display().to_string();
    let created = latchkey(&["--data-dir", &dir, "--create", "keys", "rotate"], None);
    assert!(created.status.success(), "{}", stderr(&created));
    let output = latchkey(&["--data-dir", &dir, "keys", "retire", "no-such-kid"], None);
    assert_fails_with(&output, "no key no-such-kid");
    let output = latchkey_with_env(
        &["--data-dir", &dir, "keys", "retire", "no-such-kid"],
        None,
        &[(
            "LATCHKEY_JWT_SECRET",
            "a shared secret of at least thirty-two bytes",
        )],
    );
    assert_fails_with(&output, "change the secret");
}

#[test]
fn rotate_refuses_when_the_secret_is_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = latchkey_with_env(
        &[
            "--data-dir",
            &dir.path().display().to_string(),
            "keys",
            "rotate",
        ],
        None,
        &[(
            "LATCHKEY_JWT_SECRET",
            "a shared secret of at least thirty-two bytes",
        )],
    );
    assert_fails_with(&output, "change the secret");
}

#[tokio::test]
async fn the_metadata_document_describes_the_endpoints() {
    let app = TestApp::spawn().await;
    let response = app.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(response.status(), 200);
    let meta: Value = response.json().await.expect("json");
    let issuer = &app.settings.issuer;
    assert_eq!(meta["issuer"], issuer.as_str());
    assert_eq!(meta["token_endpoint"], format!("{issuer}/token"));
    assert_eq!(
        meta["revocation_endpoint"],
        format!("{issuer}/token/revoke")
    );
    assert_eq!(meta["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
    assert_eq!(
        meta["grant_types_supported"],
        serde_json::json!([
            "password",
            "authorization_code",
            "refresh_token",
            "client_credentials"
        ])
    );
    assert_eq!(
        meta["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert!(meta["response_types_supported"].is_array());
    let scopes = meta["scopes_supported"].as_array().expect("scopes");
    assert!(scopes.contains(&Value::from("read")) && scopes.contains(&Value::from("admin")));
}

#[test]
fn a_key_id_that_starts_with_a_hyphen_is_read_as_an_id_not_an_option() {
    use clap::Parser;
    let cli = latchkey::cli::Cli::try_parse_from(["latchkey", "keys", "retire", "-mXyZ"]);
    assert!(cli.is_ok(), "{:?}", cli.err());
}
