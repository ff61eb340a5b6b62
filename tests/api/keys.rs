//! The signing secret: kept across restarts, private, or taken from config.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::support::{EMAIL, TestApp};

#[tokio::test]
async fn the_generated_secret_is_private_and_survives_a_restart() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;
    let path = app.data_dir().join("keys.json");
    let mode = std::fs::metadata(&path)
        .expect("secret file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let before = std::fs::read(&path).expect("read");

    let restarted = app.restart_with(|_| {}).await;
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "the secret is reused, not regenerated"
    );
    let response = restarted.get_me(&token).await;
    assert_eq!(response.status(), 200, "a restart logs nobody out");
}

#[tokio::test]
async fn a_configured_secret_signs_tokens_that_other_services_can_verify() {
    let secret = "a shared secret of at least thirty-two bytes".to_owned();
    let app =
        TestApp::spawn_with(|s| s.jwt_secret = Some(latchkey::config::Secret::new(secret.clone())))
            .await;
    let token = app.access_token().await;
    assert!(
        !app.data_dir().join("jwt_secret").exists(),
        "nothing generated when a secret is configured"
    );

    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_aud = false;
    let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes());
    let claims: Value = jsonwebtoken::decode(&token, &key, &validation)
        .expect("verifies")
        .claims;
    assert_eq!(claims["sub"], EMAIL);

    pyjwt_decodes(&token, &secret);
}

/// The seed's verifier: `jwt.decode(token, secret, algorithms=["HS256"])`.
/// Runs when python3 has PyJWT (`.ci/run` installs it), says so otherwise.
fn pyjwt_decodes(token: &str, secret: &str) {
    let script =
        "import jwt,sys; print(jwt.decode(sys.argv[1], sys.argv[2], algorithms=['HS256'])['sub'])";
    let output = std::process::Command::new("python3")
        .args(["-c", script, token, secret])
        .output();
    match output {
        Ok(out) if out.status.success() => {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), EMAIL);
        }
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("No module named 'jwt'") => {
            eprintln!("!!! SKIPPED: python3 has no PyJWT, so the PyJWT check did not run !!!");
        }
        Ok(out) => panic!(
            "PyJWT refused the token: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("!!! SKIPPED: no python3, so the PyJWT check did not run !!!"),
    }
}
