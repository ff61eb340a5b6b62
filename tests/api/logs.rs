//! What an operator reads: JSON lines that parse, plain text otherwise,
//! stable audit events, and never a password, token, hash or key.

use std::path::Path;

use serde_json::Value;

use crate::process::{ServerProcess, add_user, latchkey_command};
use crate::support::form;

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
    let latencies: Vec<String> = events
        .iter()
        .filter(|e| e["target"] == "latchkey::access")
        .map(|e| e["fields"]["latency_ms"].to_string())
        .collect();
    assert!(!latencies.is_empty(), "no access log line");
    for latency in &latencies {
        let decimals = latency.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "latency_ms={latency}: round it");
    }
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

/// Sends `request` on a fresh connection and reads the answer until the
/// server closes it.
fn raw_exchange(port: u16, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("send the request");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_clients_malformed_request_is_logged_as_a_warning_never_as_an_error() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut server = serve(data.path(), &[("LATCHKEY_LOG_FORMAT", "json")]);
    let port = server.wait_until_listening();

    let bad_header = raw_exchange(
        port,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    );
    assert!(
        bad_header.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{bad_header:?}"
    );
    // An unfinished head of exactly actix's 128 KiB buffer: the server has
    // read every byte sent when it answers and closes (no reset).
    let mut huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: ".to_vec();
    huge.resize(128 * 1024, b'a');
    let too_large = raw_exchange(port, &huge);
    assert!(
        too_large.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{too_large:?}"
    );
    let not_http = raw_exchange(
        port,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    );
    assert!(
        not_http.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{not_http:?}"
    );
    server.terminate();
    assert_eq!(server.wait_for_exit().code(), Some(0));

    let events: Vec<Value> = server
        .log_lines()
        .iter()
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .collect();
    let errors: Vec<&Value> = events.iter().filter(|e| e["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "a client wrote ERROR lines: {errors:#?}");
    let warned = |text: &str| {
        events.iter().any(|e| {
            e["level"] == "WARN"
                && e["target"] == "actix_http::h1::dispatcher"
                && e["fields"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(text))
        })
    };
    assert!(
        warned("request parse error: invalid Header provided"),
        "{events:#?}"
    );
    assert!(
        warned("request parse error: message head is too large"),
        "{events:#?}"
    );
}

#[test]
fn the_warning_for_a_malformed_request_obeys_the_operators_log_filter() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut server = serve(data.path(), &[("LATCHKEY_LOG", "info,actix_http=error")]);
    let port = server.wait_until_listening();
    let answer = raw_exchange(
        port,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer:?}"
    );
    server.terminate();
    assert_eq!(server.wait_for_exit().code(), Some(0));
    let log = server.log();
    assert!(!log.contains("invalid Header provided"), "{log}");
    assert!(log.contains("shutdown_complete"), "{log}");
}
