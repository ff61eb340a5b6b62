//! What an operator reads: JSON lines that parse, plain text otherwise,
//! stable audit events, and never a password, token, hash or key.

use std::path::Path;

use serde_json::Value;

use crate::helpers::form;
use crate::process::{ServerProcess, add_user, latchkey_command};

const EMAIL: &str = "dave@example.com";
const PASSWORD: &str = "the password that must never be logged";
const WRONG_PASSWORD: &str = "a wrong password that must not be logged either";

fn serve(data_dir: &Path, env: &[(&str, &str)]) -> ServerProcess {
    let dir = data_dir.display().to_string();
    let mut command = latchkey_command(&["--data-dir", &dir, "serve", "--bind", "127.0.0.1:0"]);
    command.envs(env.iter().copied());
    ServerProcess::spawn(command)
}

async fn login(client: &reqwest::Client, base: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{base}/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("username", EMAIL), ("password", password)]))
        .send()
        .await
        .expect("POST /token")
}

fn stored_hash(data_dir: &Path) -> String {
    let url = format!("sqlite://{}", data_dir.join("latchkey.db").display());
    let mut conn = latchkey::db::AnyManager::new(&url)
        .connect_one()
        .expect("open the database");
    latchkey::db::users::find_by_email(&mut conn, EMAIL)
        .expect("query")
        .expect("the user exists")
        .password_hash
}

#[tokio::test]
async fn json_logs_parse_line_by_line_carry_audit_events_and_no_secret() {
    let data = tempfile::tempdir().expect("tempdir");
    add_user(data.path(), EMAIL, PASSWORD, &[]);
    let mut server = serve(data.path(), &[("LATCHKEY_LOG_FORMAT", "json")]);
    let base = format!("http://127.0.0.1:{}", server.wait_until_listening());
    let client = reqwest::Client::new();

    let response = login(&client, &base, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let token = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(login(&client, &base, WRONG_PASSWORD).await.status(), 401);
    let me = client
        .get(format!("{base}/users/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET /users/me");
    assert_eq!(me.status(), 200);
    server.terminate();
    assert_eq!(server.wait_for_exit().code(), Some(0));

    let lines = server.log_lines();
    let events: Vec<Value> = lines
        .iter()
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line:?}"))
        })
        .collect();
    for event in &events {
        assert!(event["level"].is_string(), "{event}");
        assert!(event["timestamp"].is_string(), "{event}");
        assert!(event["fields"]["message"].is_string(), "{event}");
    }
    let audit = |name: &str| -> &Value {
        events
            .iter()
            .find(|e| e["fields"]["event"] == name)
            .unwrap_or_else(|| panic!("no {name} event in:\n{}", lines.join("\n")))
    };
    let succeeded = audit("login_succeeded");
    assert_eq!(succeeded["fields"]["via"], "token");
    assert!(succeeded["fields"]["user_id"].is_i64(), "{succeeded}");
    assert_eq!(audit("login_failed")["fields"]["via"], "token");
    audit("shutdown_started");
    audit("shutdown_complete");
    // The access log saw the requests, so the secrets did pass by the logger.
    assert!(
        lines.iter().any(|l| l.contains("/users/me")),
        "no access log line for /users/me"
    );

    let hash = stored_hash(data.path());
    let ring: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.path().join("keys.json")).expect("key ring"),
    )
    .expect("json");
    let jwt_secret = ring["keys"][0]["material"]
        .as_str()
        .expect("key material")
        .to_owned();
    let signature = token.rsplit('.').next().expect("signature").to_owned();
    let hash_digest = hash.rsplit('$').next().expect("digest").to_owned();
    let secrets = [
        ("the password", PASSWORD.to_owned()),
        ("the wrong password", WRONG_PASSWORD.to_owned()),
        ("the access token", token.clone()),
        ("the token's signature", signature),
        ("the password hash", hash),
        ("the hash digest", hash_digest),
        ("the signing secret", jwt_secret.trim().to_owned()),
    ];
    for line in &lines {
        for (what, secret) in &secrets {
            assert!(!line.contains(secret.as_str()), "{what} was logged: {line}");
        }
    }
}

/// The `latchkey is listening` line of a text-format server.
fn listening_line(env: &[(&str, &str)]) -> String {
    let data = tempfile::tempdir().expect("tempdir");
    let mut server = serve(data.path(), env);
    let line = server.wait_for_line("`latchkey is listening`", |l| {
        l.contains("latchkey is listening")
    });
    server.terminate();
    assert_eq!(server.wait_for_exit().code(), Some(0));
    line
}

#[test]
fn text_logs_are_plain_and_leave_timestamps_to_journald() {
    let plain = listening_line(&[]);
    assert!(serde_json::from_str::<Value>(&plain).is_err(), "{plain}");
    assert!(
        !plain.contains('\u{1b}'),
        "colour codes in a pipe: {plain:?}"
    );
    assert!(
        plain.starts_with(|c: char| c.is_ascii_digit()),
        "a line starts with its timestamp: {plain:?}"
    );
    assert!(plain.contains("INFO"), "{plain:?}");

    // systemd sets JOURNAL_STREAM for a service whose stderr is the journal,
    // which stamps every line itself.
    let journald = listening_line(&[("JOURNAL_STREAM", "8:12345")]);
    assert!(!journald.contains('\u{1b}'), "{journald:?}");
    assert!(
        journald.trim_start().starts_with("INFO"),
        "no timestamp of our own under journald: {journald:?}"
    );
}
