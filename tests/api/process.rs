//! The built `latchkey` binary run as a server process, the way systemd or
//! an operator runs it: for tests of signals, the notify protocol, socket
//! activation and log output, which an in-process server cannot show.
//! They run on SQLite in a `--data-dir` in both CI runs: `TEST_BACKEND`
//! moves only the in-process `TestApp` servers, which cover the backend.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long anything a test waits for may take: generous, because a debug
/// build on a loaded two-core machine is slow, and never slept through: every
/// wait ends as soon as its event arrives.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// `latchkey` with an empty environment but `PATH`, and `args`.
pub fn latchkey_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command
}

/// Creates a user through `latchkey user add`, as an operator would.
pub fn add_user(data_dir: &std::path::Path, email: &str, password: &str, env: &[(&str, &str)]) {
    use std::io::Write;
    let dir = data_dir.display().to_string();
    let mut command = latchkey_command(&["--data-dir", &dir, "--create", "user", "add", email]);
    command
        .arg("--password-stdin")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run latchkey user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write the password");
    let output = child.wait_with_output().expect("wait for user add");
    assert!(
        output.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub struct ServerProcess {
    child: Child,
    /// Stderr lines not yet looked at by [`Self::wait_for_line`].
    lines: Receiver<String>,
    /// Every stderr line so far.
    log: Arc<Mutex<Vec<String>>>,
    exited: Option<ExitStatus>,
}

impl ServerProcess {
    /// Spawns `command` with stderr captured line by line.
    pub fn spawn(mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn the server");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let all = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                all.lock().expect("log lock").push(line.clone());
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            log,
            exited: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next stderr line for which `wanted` holds; panics with the whole
    /// log if none comes before the deadline or the process exits.
    pub fn wait_for_line(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no log line {what} within {DEADLINE:?}; log:\n{}",
                        self.log()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server exited before logging {what}; log:\n{}",
                        self.log()
                    )
                }
            }
        }
    }

    /// The port from `latchkey is listening`, in the text or JSON format.
    pub fn wait_until_listening(&mut self) -> u16 {
        let line = self.wait_for_line("`latchkey is listening`", |l| {
            l.contains("latchkey is listening")
        });
        listening_port(&line).unwrap_or_else(|| panic!("no port in the listening line {line:?}"))
    }

    /// Sends SIGTERM, as systemd does to stop a service.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit (its stderr closes first).
    pub fn wait_for_exit(&mut self) -> ExitStatus {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "the server did not exit within {DEADLINE:?}; log:\n{}",
                        self.log()
                    )
                }
            }
        }
        let status = self.child.wait().expect("wait for the server");
        self.exited = Some(status);
        status
    }

    /// Every stderr line so far, joined.
    pub fn log(&self) -> String {
        self.log_lines().join("\n")
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // A failed test must not leave a server running.
        if self.exited.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn listening_port(line: &str) -> Option<u16> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(line) {
        return json["fields"]["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok());
    }
    let rest = &line[line.find("port=")? + "port=".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A port that was free a moment ago, for tools that cannot take port 0
/// (`systemd-socket-activate`). Only used where the tool binds it at once.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

/// Skips a test that needs an external program, loudly, when it is absent.
pub fn have_program(name: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("!!! SKIPPED: {name} is not installed, so this test did not run !!!");
    }
    found
}
