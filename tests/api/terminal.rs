//! The commands as a person at a terminal meets them: a pseudo-terminal
//! from util-linux `script`, typed into only once the prompt is shown.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::cli::{latchkey, stderr, stdout};
use crate::process::DEADLINE;

const PASSWORD: &str = "correct horse battery staple";

/// `latchkey` on a pseudo-terminal: its stdin, stdout and stderr.
struct Terminal {
    child: Child,
    keyboard: ChildStdin,
    screen: Receiver<Vec<u8>>,
    /// Everything shown so far.
    shown: String,
    /// How much of `shown` an `expect` has passed.
    read_up_to: usize,
}

impl Terminal {
    /// `None` where util-linux `script` is not installed.
    fn start(args: &[&str]) -> Option<Self> {
        let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_latchkey"))
            .chain(args.iter().copied())
            .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
            .collect();
        let spawned = Command::new("script")
            .args([
                "--quiet",
                "--return",
                "--command",
                &quoted.join(" "),
                "/dev/null",
            ])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => panic!("run script: {e}"),
        };
        let keyboard = child.stdin.take().expect("stdin");
        let mut out = child.stdout.take().expect("stdout");
        let (send, screen) = channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = out.read(&mut buffer) {
                if n == 0 || send.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Some(Self {
            child,
            keyboard,
            screen,
            shown: String::new(),
            read_up_to: 0,
        })
    }

    /// Waits until `text` is shown after what was expected before.
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(at) = self.shown[self.read_up_to..].find(text) {
                self.read_up_to += at + text.len();
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.screen.recv_timeout(left) {
                Ok(bytes) => self.shown.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!("{text:?} never shown; the screen:\n{}", self.shown),
            }
        }
    }

    fn type_line(&mut self, line: &str) {
        self.keyboard
            .write_all(format!("{line}\n").as_bytes())
            .expect("type");
        self.keyboard.flush().expect("flush");
    }

    /// Waits for the command to end: its exit code and the whole screen.
    fn finish(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().expect("wait for script");
        while let Ok(bytes) = self.screen.recv_timeout(DEADLINE) {
            self.shown.push_str(&String::from_utf8_lossy(&bytes));
        }
        (status.code(), self.shown)
    }
}

#[test]
fn user_add_at_a_terminal_states_the_rules_and_asks_again_after_a_rejected_password() {
    let folder = tempfile::tempdir().expect("tempdir");
    let dir = folder.path().to_str().expect("utf-8");
    let args = [
        "--data-dir",
        dir,
        "--create",
        "user",
        "add",
        "bob@example.com",
    ];
    let Some(mut terminal) = Terminal::start(&args) else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    terminal.expect("Choose a password of 15 to 128 characters that is not a commonly used one");
    terminal.expect("New password: ");
    terminal.type_line("too short");
    terminal.expect("the password must be at least 15 characters long; try again.");
    terminal.expect("New password: ");
    terminal.type_line(PASSWORD);
    terminal.expect("Repeat the password: ");
    terminal.type_line("not the same passphrase");
    terminal.expect("the two passwords differ; try again.");
    terminal.expect("New password: ");
    terminal.type_line(PASSWORD);
    terminal.expect("Repeat the password: ");
    terminal.type_line(PASSWORD);
    terminal.expect("created user bob@example.com");
    let (code, screen) = terminal.finish();
    assert_eq!(code, Some(0), "{screen}");
    assert!(
        !screen.contains("INFO"),
        "no log lines on a terminal: {screen}"
    );

    let listed = latchkey(&["--data-dir", dir, "user", "list"], None);
    assert!(stdout(&listed).starts_with("bob@example.com\tactive"));
}

#[test]
fn a_command_at_a_terminal_prints_one_sentence_while_a_log_gets_the_audit_event() {
    let folder = tempfile::tempdir().expect("tempdir");
    let dir = folder.path().to_str().expect("utf-8");
    let added = latchkey(
        &[
            "--data-dir",
            dir,
            "--create",
            "user",
            "add",
            "bob@example.com",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(
        stderr(&added).contains("event=\"user_created\""),
        "stderr that is no terminal is a log: {}",
        stderr(&added)
    );

    let Some(terminal) =
        Terminal::start(&["--data-dir", dir, "user", "disable", "bob@example.com"])
    else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    let (code, screen) = terminal.finish();
    assert_eq!(code, Some(0), "{screen}");
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert_eq!(
        lines,
        [
            format!("using the SQLite database {dir}/latchkey.db").as_str(),
            "disabled bob@example.com"
        ]
    );
}
