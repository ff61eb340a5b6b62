//! SIGTERM while logins are in flight: they all get their answer, then the
//! process exits 0.

use std::time::Instant;

use crate::process::{DEADLINE, ServerProcess, add_user, latchkey_command};
use crate::support::form;

const EMAIL: &str = "carol@example.com";
const PASSWORD: &str = "a passphrase long enough to pass";

/// Costly hashing on one thread, so logins queue up and stay in flight long
/// enough for the SIGTERM to land among them. At most the free failures of
/// one account are checked at once and the rest wait their turn, for at
/// most a second: with hashing this slow, eight logins need more room.
const SLOW_HASHING: &[(&str, &str)] = &[
    ("LATCHKEY_ARGON2_M_KIB", "19456"),
    ("LATCHKEY_ARGON2_T", "8"),
    ("LATCHKEY_HASH_WORKERS", "1"),
    ("LATCHKEY_HASH_QUEUE", "64"),
    ("LATCHKEY_ACCOUNT_FREE_FAILURES", "100"),
];

const LOGINS: usize = 8;

/// Reads one sample (`name value`, no labels, or with the given labels).
fn sample(metrics: &str, series: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in:\n{metrics}"))
}

#[tokio::test]
async fn sigterm_lets_in_flight_logins_finish_then_exits_0() {
    let data = tempfile::tempdir().expect("tempdir");
    add_user(data.path(), EMAIL, PASSWORD, SLOW_HASHING);
    let dir = data.path().display().to_string();
    let mut command = latchkey_command(&["--data-dir", &dir, "serve", "--bind", "127.0.0.1:0"]);
    command.envs(SLOW_HASHING.iter().copied());
    let mut server = ServerProcess::spawn(command);
    let base = format!("http://127.0.0.1:{}", server.wait_until_listening());
    let client = reqwest::Client::new();

    // Half log in, half use a wrong password: both must be answered.
    let mut logins = Vec::new();
    for i in 0..LOGINS {
        let password = if i % 2 == 0 {
            PASSWORD
        } else {
            "wrong but long enough"
        };
        let request = client
            .post(format!("{base}/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form(&[("username", EMAIL), ("password", password)]));
        logins.push((i % 2 == 0, tokio::spawn(request.send())));
    }

    // Wait until every login has reached the server (answered, or holding a
    // hashing slot), so the SIGTERM cannot arrive before them.
    let end = Instant::now() + DEADLINE;
    let in_flight = loop {
        let metrics = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics body");
        let hashing = sample(&metrics, "latchkey_password_hash_jobs");
        let answered = sample(&metrics, "latchkey_logins_total{result=\"succeeded\"}")
            + sample(&metrics, "latchkey_logins_total{result=\"failed\"}");
        if hashing + answered == LOGINS as u64 {
            break hashing;
        }
        // No sleep: each scrape takes a moment of its own.
        assert!(Instant::now() < end, "logins never reached the server");
    };
    server.terminate();
    assert!(
        in_flight >= 2,
        "only {in_flight} logins were still in flight at SIGTERM; make hashing slower"
    );

    for (should_succeed, login) in logins {
        let response = login
            .await
            .expect("task")
            .expect("an in-flight login is answered, not cut off");
        let expected = if should_succeed { 200 } else { 401 };
        assert_eq!(response.status(), expected);
        let body: serde_json::Value = response.json().await.expect("a complete JSON body");
        if should_succeed {
            assert!(body["access_token"].is_string(), "{body}");
        }
    }
    let status = server.wait_for_exit();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    let log = server.log();
    assert!(
        log.contains("event=\"shutdown_started\"") || log.contains("event=shutdown_started"),
        "{log}"
    );
}
