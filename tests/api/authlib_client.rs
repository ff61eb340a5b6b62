//! An application built on Authlib (Python), a library nobody here wrote,
//! signs a person in with the authorization code and PKCE:
//! tests/clients/authlib_code_flow.py drives it and prints what happened.
//!
//! `.ci/run` installs authlib and requests. Without them the tests fail when
//! `CI` is set, and say loudly that they were skipped otherwise.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{ClientSpec, EMAIL, PASSWORD, TestApp, TestClient};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clients/authlib_code_flow.py"
);

/// The whole script may take this long (it makes about twenty requests).
const SCRIPT_TIME: Duration = Duration::from_secs(60);

const SCOPE: &str = "email read";

#[tokio::test]
async fn authlib_signs_in_with_a_confidential_client_and_client_secret_basic() {
    if !authlib_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let summary = run_script(&app, &client).await;

    assert_eq!(summary["public"], false);
    assert_the_flow(&app, &summary);
    let introspection = &summary["introspection"];
    assert_eq!(introspection["active"], true, "{introspection}");
    assert_eq!(introspection["client_id"], client.id.as_str());
    assert_eq!(introspection["sub"], EMAIL);
    assert_eq!(introspection["scope"], SCOPE);
}

#[tokio::test]
async fn authlib_signs_in_with_a_public_client() {
    if !authlib_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        public: true,
        ..ClientSpec::default()
    });
    assert!(client.secret.is_none());
    let summary = run_script(&app, &client).await;

    assert_eq!(summary["public"], true);
    assert_the_flow(&app, &summary);
}

/// What every run must show, public client or not.
fn assert_the_flow(app: &TestApp, summary: &Value) {
    assert_eq!(summary["issuer"], app.settings.issuer.as_str());
    assert_eq!(
        summary["pages_first_time"],
        json!(["login", "consent"]),
        "a first visit asks for the password, then for consent"
    );

    let token = &summary["token"];
    assert!(
        token["token_type"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer")),
        "{token}"
    );
    assert_eq!(token["scope"], SCOPE);
    assert_eq!(token["expires_in"], 1800);
    assert_eq!(token["has_refresh_token"], true);
    assert_eq!(summary["me"]["status"], 200);
    assert_eq!(summary["me"]["body"]["email"], EMAIL);

    let refreshed = &summary["refreshed"];
    assert_eq!(refreshed["scope"], SCOPE);
    assert_eq!(refreshed["new_access_token"], true, "{refreshed}");
    assert_eq!(refreshed["new_refresh_token"], true, "{refreshed}");
    assert_eq!(summary["me_after_refresh"]["status"], 200);
    assert_eq!(summary["me_after_refresh"]["body"]["email"], EMAIL);

    assert_eq!(summary["code_replay_error"], "invalid_grant");
    assert_eq!(
        summary["me_after_replay_status"], 401,
        "a replayed code revokes what its first use issued, refreshed tokens included"
    );

    assert_eq!(
        summary["pages_second_time"],
        json!([]),
        "signed in and consented already: straight back to the application"
    );
    assert_eq!(summary["revoke_status"], 200);
    assert_eq!(summary["refresh_after_revoke_error"], "invalid_grant");
    assert_eq!(
        summary["me_after_revoke_status"], 401,
        "revoking the refresh token ends the session its access token belongs to"
    );
}

/// Runs the script against `app` as `client` and returns its summary.
async fn run_script(app: &TestApp, client: &TestClient) -> Value {
    let server = app.url("");
    let args = ["--server", server.as_str(), "--scope", SCOPE];
    run_python_client(SCRIPT, &args, client, "the Authlib flow").await
}

/// Runs the Python client `script` with `args`, as `client` and as alice,
/// off the runtime's threads (the server answers on this runtime too), and
/// returns the JSON summary it prints; `what` names it in failures.
pub async fn run_python_client(
    script: &str,
    args: &[&str],
    client: &TestClient,
    what: &str,
) -> Value {
    let mut command = Command::new("python3");
    command
        .arg(script)
        .args(args)
        .args(["--client-id", &client.id])
        .args(["--redirect-uri", &client.redirect_uri])
        .args(["--email", EMAIL, "--password", PASSWORD])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(secret) = &client.secret {
        command.args(["--client-secret", secret]);
    }
    let child = command.spawn().expect("start python3");
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    let output = tokio::time::timeout(SCRIPT_TIME, waiting)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {SCRIPT_TIME:?}"))
        .expect("join")
        .expect("wait for python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stderr}\n{stdout}",
        output.status
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("the script printed no JSON ({e}):\n{stdout}\n{stderr}"))
}

/// Whether python3 can import authlib and requests. When it cannot: a
/// failure in CI, a loud note elsewhere.
pub fn authlib_available() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import authlib, requests"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let why = match probe {
        Ok(out) if out.status.success() => return true,
        Ok(out) => format!(
            "python3 cannot import authlib and requests: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("no python3 ({e})"),
    };
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    assert!(
        !in_ci,
        "{why}; CI must run the Authlib tests (.ci/run installs authlib and requests)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED: {why}, so the Authlib test did not run !!!\n"
    );
    false
}
