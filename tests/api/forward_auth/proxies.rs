//! Real nginx (`auth_request`) and real Caddy (`forward_auth`) in front of
//! a tiny backend, configured with the very files the README tells
//! operators to use (`deploy/nginx/`, `deploy/caddy/`): sign-in and back,
//! the backend sees who, forged identity headers never get through, and
//! signing out at latchkey ends access through the proxy.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::loopback_proxy;
use crate::support::{Browser, EMAIL, PASSWORD, TestApp, hidden_value, location};

/// A backend that answers every request with the request's head, and
/// remembers every head it was sent.
struct Backend {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Backend {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the backend");
        let port = listener.local_addr().expect("address").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || answer_with_head(stream, &seen));
            }
        });
        Self { port, heads }
    }

    fn requests(&self) -> usize {
        self.heads.lock().expect("heads").len()
    }
}

fn answer_with_head(mut stream: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut head = String::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut body = vec![0; content_length];
    let _ = std::io::Read::read_exact(&mut reader, &mut body);
    seen.lock().expect("heads").push(head.clone());
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{head}",
        head.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}

/// A proxy process, stopped when dropped.
struct Proxy {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn wait_until_listening(&mut self, log: &Path) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("the proxy exited ({status}) before listening:\n{log}");
            }
            assert!(Instant::now() < deadline, "the proxy never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn port_of(app: &TestApp) -> u16 {
    app.settings.bind.port()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// Whether `program` runs here; in CI (which installs it) its absence
/// fails the test, elsewhere it skips loudly.
fn available(program: &str) -> bool {
    let found = Command::new(program)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
        assert!(!in_ci, "{program} is not installed; .ci/run installs it");
        let _ = std::io::stderr().write_all(
            format!("\n!!! SKIPPED: {program} is not installed, so this test did not run !!!\n")
                .as_bytes(),
        );
    }
    found
}

fn nginx(latchkey_port: u16, backend_port: u16) -> Proxy {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let d = dir.path().display();
    let config = format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream latchkey {{ server 127.0.0.1:{latchkey_port}; }}
    server {{
        listen 127.0.0.1:{port};
        include {location};
        location / {{
            include {protect};
            proxy_pass http://127.0.0.1:{backend_port};
        }}
    }}
}}
",
        location = repo("deploy/nginx/latchkey-auth-location.conf").display(),
        protect = repo("deploy/nginx/latchkey-protect.conf").display(),
    );
    let file = dir.path().join("nginx.conf");
    std::fs::write(&file, config).expect("write nginx.conf");
    let log = dir.path().join("error.log");
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&file)
        .arg("-e")
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let mut proxy = Proxy {
        child,
        port,
        _dir: dir,
    };
    proxy.wait_until_listening(&log);
    proxy
}

fn caddy(latchkey_port: u16, backend_port: u16) -> Proxy {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let config = format!(
        "{{
	admin off
	auto_https off
}}

import {snippet}

http://127.0.0.1:{port} {{
	import latchkey_forward_auth
	reverse_proxy 127.0.0.1:{backend_port}
}}
",
        snippet = repo("deploy/caddy/latchkey-forward-auth.caddy").display(),
    );
    let file = dir.path().join("Caddyfile");
    std::fs::write(&file, config).expect("write Caddyfile");
    let log = dir.path().join("caddy.log");
    let child = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&file)
        .env("LATCHKEY_UPSTREAM", format!("127.0.0.1:{latchkey_port}"))
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start caddy");
    let mut proxy = Proxy {
        child,
        port,
        _dir: dir,
    };
    proxy.wait_until_listening(&log);
    proxy
}

/// What the backend was sent under `name` (case-insensitive), in the
/// head it echoed.
fn sent(echoed: &str, name: &str) -> Vec<String> {
    echoed
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// The whole walk through one proxy: refused and sent to sign in, back to
/// the page asked for, identity passed on and never forged, and out again.
async fn walk_through(app: &TestApp, proxy: &Proxy, backend: &Backend) {
    let page = proxy.url("/reports/2026?format=csv&q=a%20b");
    let browser = Browser::new(app);

    // Anonymous, even with an identity of its own choosing: to sign in.
    let forged = [
        ("Remote-User", "mallory@example.com"),
        ("Remote-Scopes", "admin"),
    ];
    let mut anonymous = browser.http.get(&page);
    for (name, value) in forged {
        anonymous = anonymous.header(name, value);
    }
    let anonymous = anonymous.send().await.expect("anonymous request");
    assert_eq!(anonymous.status(), 302, "to the login page");
    let login = location(&anonymous);
    assert!(login.starts_with(&app.url("/login?next=")), "{login}");
    assert_eq!(backend.requests(), 0, "nothing reached the backend");

    // Sign in, and back to exactly the page asked for.
    let signed_in = browser.sign_in(&login, EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), page);

    // The proxy passes the request on, with who it is; what the client
    // claims under the same names (or underscore spellings) is replaced.
    let mut request = browser.http.get(&page);
    for (name, value) in forged {
        request = request.header(name, value);
    }
    let response = request
        .header("Remote_User", "mallory@example.com")
        .send()
        .await
        .expect("signed-in request");
    assert_eq!(response.status(), 200);
    let echoed = response.text().await.expect("body");
    assert_eq!(sent(&echoed, "remote-user"), [EMAIL], "{echoed}");
    assert_eq!(sent(&echoed, "remote-email"), [EMAIL], "{echoed}");
    assert_eq!(sent(&echoed, "remote-scopes"), ["read"], "{echoed}");
    assert!(sent(&echoed, "remote_user").is_empty(), "{echoed}");
    assert!(!echoed.contains("mallory"), "{echoed}");

    // A POST keeps its body for the backend (the check itself has none).
    let posted = browser
        .http
        .post(&page)
        .form(&[("comment", "fine")])
        .send()
        .await
        .expect("POST through the proxy");
    assert_eq!(posted.status(), 200);
    assert!(posted.text().await.expect("body").starts_with("POST "));

    // Signing out at latchkey ends access through the proxy.
    let account = browser.get("/").await.text().await.expect("account page");
    let csrf = hidden_value(&account, "csrf_token").expect("csrf on the account page");
    let out = browser.post("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status(), 303);
    let served = backend.requests();
    let after = browser.http.get(&page).send().await.expect("after logout");
    assert_eq!(after.status(), 302);
    assert!(location(&after).starts_with(&app.url("/login?next=")));
    assert_eq!(
        backend.requests(),
        served,
        "nothing more reached the backend"
    );
}

#[tokio::test]
async fn nginx_auth_request_signs_people_in_and_passes_only_latchkeys_word_on() {
    if !available("nginx") {
        return;
    }
    let app = TestApp::spawn_at_own_url_with(loopback_proxy).await;
    let backend = Backend::start();
    let proxy = nginx(port_of(&app), backend.port);
    walk_through(&app, &proxy, &backend).await;
}

#[tokio::test]
async fn caddy_forward_auth_signs_people_in_and_passes_only_latchkeys_word_on() {
    if !available("caddy") {
        return;
    }
    let app = TestApp::spawn_at_own_url_with(loopback_proxy).await;
    let backend = Backend::start();
    let proxy = caddy(port_of(&app), backend.port);
    walk_through(&app, &proxy, &backend).await;
}

#[test]
fn the_documentation_shows_exactly_the_tested_proxy_files() {
    let doc = std::fs::read_to_string(repo("docs/forward-auth.md")).expect("docs/forward-auth.md");
    for file in [
        "deploy/nginx/latchkey-auth-location.conf",
        "deploy/nginx/latchkey-protect.conf",
        "deploy/caddy/latchkey-forward-auth.caddy",
    ] {
        let text = std::fs::read_to_string(repo(file)).expect(file);
        assert!(
            doc.contains(&text),
            "docs/forward-auth.md must show {file} as it is"
        );
    }
}
