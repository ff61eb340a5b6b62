//! PostgreSQL goes away under load and comes back: latchkey answers 503
//! quickly meanwhile (no hang, no panic, no internals) and recovers by
//! itself. The test runs its own throwaway PostgreSQL server, because the
//! shared one serves other tests at the same time.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::process::free_port;
use crate::support::{CHEAP_ARGON2, EMAIL, PASSWORD, TestApp};

/// What any single request may take while the database is down: the pool
/// waits 3 s for a connection, plus slack for a loaded machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// How long recovery may take once PostgreSQL is back.
const RECOVER_WITHIN: Duration = Duration::from_secs(20);

/// A private PostgreSQL server in a temporary directory, stopped on drop.
struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    run_as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    /// `None`, loudly, when PostgreSQL's server programs are not installed.
    fn start() -> Option<Self> {
        let Some(bin) = server_programs() else {
            eprintln!(
                "!!! SKIPPED: initdb/pg_ctl not found under /usr/lib/postgresql, so the outage test did not run !!!"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        // initdb refuses to run as root: hand the directory to `postgres`.
        let run_as_postgres = is_root();
        if run_as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:", &dir.path().display().to_string()])
                .status()
                .expect("run chown");
            assert!(status.success(), "chown the temp dir to postgres");
        }
        let data = dir.path().join("data");
        let server = Self {
            bin,
            data,
            port: free_port(),
            run_as_postgres,
            _dir: dir,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data.display().to_string(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        server.pg_ctl_start();
        Some(server)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl_start(&self) {
        let socket_dir = self.data.parent().expect("temp dir").display().to_string();
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={socket_dir} -c fsync=off",
            self.port
        );
        let log = self.data.parent().expect("temp dir").join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-o",
                &options,
                "-l",
                &log.display().to_string(),
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    /// Like a crash or a pulled cable: no goodbye to the clients.
    fn stop_immediately(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-m",
                "immediate",
                "stop",
            ],
        );
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let path = self.bin.join(program);
        let mut command = if self.run_as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        };
        command.args(args).stdin(Stdio::null());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program, args)
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .command(
                "pg_ctl",
                &[
                    "-D",
                    &self.data.display().to_string(),
                    "-m",
                    "immediate",
                    "stop",
                ],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding initdb and pg_ctl.
fn server_programs() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Statuses seen by the background load, and the slowest answer.
#[derive(Default)]
struct LoadReport {
    statuses: Vec<u16>,
    slowest: Duration,
    failures: Vec<String>,
}

/// Logs in over and over from `clients` tasks until `stop` is set.
fn start_load(
    app: &TestApp,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<LoadReport>> {
    (0..clients)
        .map(|_| {
            let url = app.url("/token");
            let client = reqwest::Client::builder()
                .timeout(ANSWER_WITHIN * 2)
                .build()
                .expect("client");
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut report = LoadReport::default();
                let body = crate::support::form(&[("username", EMAIL), ("password", PASSWORD)]);
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let sent = client
                        .post(&url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await;
                    report.slowest = report.slowest.max(started.elapsed());
                    match sent {
                        Ok(response) => report.statuses.push(response.status().as_u16()),
                        Err(e) => report.failures.push(e.to_string()),
                    }
                }
                report
            })
        })
        .collect()
}

async fn get(app: &TestApp, path: &str) -> (u16, String, Duration) {
    let started = Instant::now();
    let response = app
        .client
        .get(app.url(path))
        .timeout(ANSWER_WITHIN)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} answered within {ANSWER_WITHIN:?}: {e}"));
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, body, started.elapsed())
}

/// Polls `/readyz` until it answers `wanted` or `within` has passed.
async fn wait_for_readyz(app: &TestApp, wanted: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let (status, _, _) = get(app, "/readyz").await;
        if status == wanted {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "/readyz still {status} after {within:?}, wanted {wanted}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn assert_no_internals(body: &str) {
    for word in [
        "postgres",
        "database",
        "connection",
        "refused",
        "r2d2",
        "diesel",
    ] {
        assert!(
            !body.to_lowercase().contains(word),
            "the body shows internals ({word}): {body}"
        );
    }
}

#[tokio::test]
async fn a_postgres_outage_is_503_within_seconds_and_heals_without_a_restart() {
    let Some(postgres) = PrivatePostgres::start() else {
        return;
    };
    let url = postgres.url();
    let app = TestApp::spawn_with(|s| {
        s.database_url = latchkey::config::DatabaseUrl::parse(&url).expect("database URL");
        s.argon2 = CHEAP_ARGON2;
        // The load logs in hundreds of times from one address.
        s.rate_limit = false;
    })
    .await;
    let token = app.access_token().await;

    let stop = Arc::new(AtomicBool::new(false));
    let load = start_load(&app, 4, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;

    postgres.stop_immediately();
    let down_after = wait_for_readyz(&app, 503, ANSWER_WITHIN).await;

    let (status, body, took) = get(&app, "/readyz").await;
    assert_eq!(status, 503);
    assert!(took < ANSWER_WITHIN, "/readyz took {took:?}");
    assert_no_internals(&body);

    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body = response.text().await.expect("body");
    assert_no_internals(&body);
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["error"], "temporarily_unavailable");

    let me = app
        .client
        .get(app.url("/users/me"))
        .bearer_auth(&token)
        .timeout(ANSWER_WITHIN)
        .send()
        .await
        .expect("GET /users/me answered");
    assert_eq!(me.status(), 503, "a token is checked against its session");

    postgres.pg_ctl_start();
    let up_after = wait_for_readyz(&app, 200, RECOVER_WITHIN).await;
    // Let the load see the recovery too, then stop it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    assert_eq!(app.get_me(&token).await.status(), 200);

    let mut statuses = Vec::new();
    for task in load {
        let report = task.await.expect("load task");
        assert!(
            report.failures.is_empty(),
            "every request was answered: {:?}",
            report.failures
        );
        assert!(
            report.slowest < ANSWER_WITHIN,
            "slowest answer {:?}",
            report.slowest
        );
        statuses.extend(report.statuses);
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "only 200 and 503 under load, no 500: {statuses:?}"
    );
    assert!(statuses.contains(&503), "the load saw the outage");
    eprintln!(
        "outage: /readyz 503 after {down_after:?}, 200 again {up_after:?} after restart; {} logins under load",
        statuses.len()
    );
}
