//! A real SMTP server for the tests: Python's aiosmtpd, started on a port
//! of ours by `tests/clients/smtp_sink.py`, which saves each message it
//! accepts (parts decoded by Python's email package) as JSON.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use latchkey::config::{Secret, Settings};

/// A mail as the SMTP server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReceivedMail {
    pub envelope_to: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub content_type: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

impl ReceivedMail {
    pub fn text(&self) -> &str {
        self.text.as_deref().expect("a plain-text part")
    }

    /// The link to choose a password, of the server at `address`.
    pub fn password_link(&self, address: &str) -> String {
        self.link(&format!("{address}/password/reset?token="))
    }

    /// The first link in the plain-text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let text = self.text();
        let start = text
            .find(prefix)
            .unwrap_or_else(|| panic!("a link starting {prefix} in {text}"));
        text[start..]
            .split_whitespace()
            .next()
            .expect("link")
            .to_owned()
    }
}

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
    _stdin: ChildStdin,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1 (free when asked; the caller binds it soon).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// Whether python3 has aiosmtpd. Without it, in CI (`CI` set) the test
/// fails; elsewhere it is skipped loudly.
pub fn smtp_available(test: &str) -> bool {
    let found = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: python3 with aiosmtpd is required in CI (pip install aiosmtpd)"
        );
        eprintln!("!!! SKIPPED: {test}: python3 cannot import aiosmtpd (pip install aiosmtpd) !!!");
    }
    found
}

impl SmtpServer {
    /// A server on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// A server on `port`.
    pub fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP server");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read from the SMTP server");
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        Self {
            port,
            dir,
            child,
            _stdin: stdin,
        }
    }

    /// `LATCHKEY_SMTP_URL` for it.
    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    /// Every mail received so far, in order.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("read the mail dir")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("read a mail");
                serde_json::from_str(&text).expect("a saved mail")
            })
            .collect()
    }

    /// Waits (up to `within`) until `count` mails have arrived; returns all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} mail(s) within {within:?}, got {}: {:?}",
                mails.len(),
                mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

/// Mail on, through the server on `port`, with a fast queue.
pub fn with_mail(settings: &mut Settings, port: u16) {
    settings.mail.smtp_url = Some(Secret::new(smtp_url(port)));
    settings.mail.from = Some("latchkey <latchkey@example.com>".to_owned());
    settings.mail.poll_interval = Duration::from_millis(200);
    settings.mail.retry_base = Duration::from_millis(200);
}
