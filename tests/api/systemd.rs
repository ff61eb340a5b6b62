//! latchkey under systemd: the notify protocol, the watchdog, socket
//! activation, graceful stop, and the unit files as systemd-analyze sees them.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{DEADLINE, ServerProcess, free_port, have_program, latchkey_command};

/// A NOTIFY_SOCKET of our own, as systemd would listen on.
struct NotifySocket {
    socket: UnixDatagram,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl NotifySocket {
    fn bind() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notify.sock");
        let socket = UnixDatagram::bind(&path).expect("bind the notify socket");
        socket
            .set_read_timeout(Some(DEADLINE))
            .expect("read timeout");
        Self {
            socket,
            path,
            _dir: dir,
        }
    }

    /// Datagrams until one holds `state` (e.g. `READY=1`); all of them.
    fn wait_for(&self, state: &str, server: &ServerProcess) -> Vec<String> {
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let Ok(n) = self.socket.recv(&mut buffer) else {
                panic!(
                    "no {state} within {DEADLINE:?}; got {seen:?}; log:\n{}",
                    server.log()
                );
            };
            let message = String::from_utf8_lossy(&buffer[..n]).into_owned();
            let done = message.lines().any(|l| l == state);
            seen.push(message);
            if done {
                return seen;
            }
        }
    }
}

fn serve_command(data_dir: &Path) -> Command {
    let dir = data_dir.display().to_string();
    latchkey_command(&["--data-dir", &dir, "serve", "--bind", "127.0.0.1:0"])
}

#[tokio::test]
async fn ready_is_sent_once_serving_and_stopping_on_sigterm_then_exit_0() {
    let data = tempfile::tempdir().expect("tempdir");
    let notify = NotifySocket::bind();
    let mut command = serve_command(data.path());
    command.env("NOTIFY_SOCKET", &notify.path);
    let mut server = ServerProcess::spawn(command);

    let before_ready = notify.wait_for("READY=1", &server);
    assert!(
        before_ready.iter().all(|m| !m.contains("STOPPING=1")),
        "{before_ready:?}"
    );
    // READY=1 promises that the migrations ran and the socket listens.
    let port = server.wait_until_listening();
    let response = reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
        .await
        .expect("request after READY=1");
    assert_eq!(response.status(), 200);

    server.terminate();
    notify.wait_for("STOPPING=1", &server);
    let status = server.wait_for_exit();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
}

#[test]
fn the_watchdog_is_fed_when_systemd_asks_for_it() {
    let data = tempfile::tempdir().expect("tempdir");
    let notify = NotifySocket::bind();
    let mut command = serve_command(data.path());
    command
        .env("NOTIFY_SOCKET", &notify.path)
        .env("WATCHDOG_USEC", "200000");
    let server = ServerProcess::spawn(command);

    notify.wait_for("READY=1", &server);
    notify.wait_for("WATCHDOG=1", &server);
    notify.wait_for("WATCHDOG=1", &server);
}

#[tokio::test]
async fn with_socket_activation_the_server_uses_systemds_socket_not_bind() {
    if !have_program("systemd-socket-activate") {
        return;
    }
    // The address given as --bind is taken: binding it would fail start-up,
    // so answering at all proves the inherited socket was used.
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let occupied = occupied.local_addr().expect("addr").to_string();
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();

    let mut command = Command::new("systemd-socket-activate");
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg(env!("CARGO_BIN_EXE_latchkey"))
        .args(["--data-dir", &data.path().display().to_string()])
        .args(["serve", "--bind", &occupied]);
    let mut server = ServerProcess::spawn(command);
    server.wait_for_line("from systemd-socket-activate", |l| {
        l.contains("Listening on")
    });

    // systemd-socket-activate starts latchkey on this first connection,
    // which waits in the socket's backlog meanwhile and is then served.
    let response = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .expect("request on the activation socket");
    assert_eq!(response.status(), 200);
    let listening = server.wait_for_line("`latchkey is listening`", |l| {
        l.contains("latchkey is listening")
    });
    assert!(
        listening.contains("socket_activated=true") && listening.contains(&format!("port={port}")),
        "{listening}"
    );

    server.terminate();
    let status = server.wait_for_exit();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
}

fn deploy_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name)
}

/// The units, copied next to each other with ExecStart pointing at the
/// binary under test, since verify checks that the command exists.
fn units_for_verify() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = std::fs::read_to_string(deploy_file("latchkey.service")).expect("service");
    assert!(
        service.contains("ExecStart=/usr/bin/latchkey --config /etc/latchkey/latchkey.toml serve")
    );
    let service = service.replace("/usr/bin/latchkey", env!("CARGO_BIN_EXE_latchkey"));
    std::fs::write(dir.path().join("latchkey.service"), service).expect("write");
    std::fs::copy(
        deploy_file("latchkey.socket"),
        dir.path().join("latchkey.socket"),
    )
    .expect("copy the socket unit");
    dir
}

#[test]
fn systemd_analyze_verify_finds_nothing_wrong_with_the_units() {
    if !have_program("systemd-analyze") {
        return;
    }
    let dir = units_for_verify();
    let output = Command::new("systemd-analyze")
        .current_dir(dir.path())
        .args(["verify", "./latchkey.service", "./latchkey.socket"])
        .output()
        .expect("run systemd-analyze verify");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert_eq!(said.trim(), "", "verify should print nothing");
}

#[test]
fn systemd_analyze_rates_the_service_exposure_at_most_2() {
    if !have_program("systemd-analyze") {
        return;
    }
    let output = Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(deploy_file("latchkey.service"))
        .output()
        .expect("run systemd-analyze security");
    let text = String::from_utf8_lossy(&output.stdout);
    let exposure: f64 = text
        .lines()
        .find_map(|l| l.split_once("Overall exposure level for latchkey.service:"))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no exposure level in:\n{text}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    assert!(exposure <= 2.0, "exposure {exposure}:\n{text}");
}

/// systemd kills the service TimeoutStopSec= after SIGTERM; in-flight
/// requests must get their full shutdown timeout before that.
#[test]
fn systemd_waits_longer_than_the_shutdown_timeout() {
    let service = std::fs::read_to_string(deploy_file("latchkey.service")).expect("service");
    let setting = |key: &str| -> String {
        service
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key}= missing from latchkey.service"))
            .trim()
            .to_owned()
    };
    let stop = humantime::parse_duration(&setting("TimeoutStopSec")).expect("TimeoutStopSec");
    assert!(
        stop.as_secs() > latchkey::startup::SHUTDOWN_TIMEOUT_SECONDS,
        "TimeoutStopSec={stop:?}"
    );
    assert_eq!(setting("Type"), "notify");
    assert_eq!(setting("User"), "latchkey");
    assert_eq!(setting("StateDirectory"), "latchkey");
}
