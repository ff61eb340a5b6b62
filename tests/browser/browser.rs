//! Headless Chromium behind a chromedriver this test starts and stops.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// The longest any single wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// How often, and how many times, to ask a starting chromedriver whether it
/// is ready (at most 10 s in all).
const STATUS_POLL: Duration = Duration::from_millis(100);
const STATUS_TRIES: u32 = 100;

const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1000,800",
];

/// A WebDriver session in a fresh Chromium profile. Dropping it stops
/// chromedriver and every browser process it started, even after a panic.
pub struct Browser {
    pub client: Client,
    // Field order is drop order: the driver goes before its profile dir.
    _driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium, or says loudly that the
    /// browser test is skipped and returns `None` when either is missing.
    pub async fn start() -> Option<Self> {
        Self::start_speaking(None).await
    }

    /// [`Browser::start`] with its languages set as a person sets them in
    /// Chromium's settings (e.g. `"de-DE,de"`), which makes its
    /// `Accept-Language`.
    pub async fn start_speaking(languages: Option<&str>) -> Option<Self> {
        let (Some(chromedriver), Some(chromium)) = (find_program("chromedriver"), find_chromium())
        else {
            // Straight to stderr, past the test harness's output capture, so
            // a skip is seen even when the test "passes".
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPED: chromium/chromedriver not found, so the browser test did not run !!!\n"
            );
            return None;
        };
        let driver = ChromeDriver::start(&chromedriver).await;
        let profile = tempfile::tempdir().expect("create a temporary Chromium profile dir");

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "timeouts".into(),
            json!({ "pageLoad": WAIT.as_millis(), "script": WAIT.as_millis(), "implicit": 0 }),
        );
        let mut options = json!({ "binary": chromium, "args": args });
        if let Some(languages) = languages {
            options["prefs"] = json!({ "intl.accept_languages": languages });
        }
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .expect("start a Chromium session through chromedriver");
        Some(Self {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the session cleanly (Chromium exits); the driver stops on drop.
    pub async fn close(self) {
        self.client
            .clone()
            .close()
            .await
            .expect("close the browser session");
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Waits (at most [`WAIT`]) until an element matching `css` is on the page.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matching `{css}` appeared within {WAIT:?}: {e}"))
    }

    /// Waits (at most [`WAIT`]) until nothing matches `css`: the page
    /// that had it is gone, as when the answer to a form has arrived.
    pub async fn wait_until_gone(&self, css: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        while self.client.find(Locator::Css(css)).await.is_ok() {
            assert!(
                std::time::Instant::now() < deadline,
                "`{css}` was still on the page after {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matching `{css}`: {e}"))
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// The path and query of the page the browser shows now.
    pub async fn location(&self) -> (String, Option<String>) {
        let url = self
            .client
            .current_url()
            .await
            .expect("read the current URL");
        (url.path().to_owned(), url.query().map(str::to_owned))
    }

    /// Saves a PNG of the visible page as `target/screenshots/<name>`, or
    /// as `docs/<name>` (the README's pictures) with `UPDATE_SCREENSHOTS=1`:
    /// the account page shows a time, so every run would change it.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let docs = if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            root.join("docs")
        } else {
            root.join("target").join("screenshots")
        };
        std::fs::create_dir_all(&docs).expect("create the screenshot directory");
        let path = docs.join(name);
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// The text of an element, for assertions.
pub async fn text(element: &Element) -> String {
    element.text().await.expect("read an element's text")
}

/// The current value of a form field (the DOM property, not the attribute).
pub async fn value(element: &Element) -> String {
    element
        .prop("value")
        .await
        .expect("read a field's value")
        .unwrap_or_default()
}

/// chromedriver on a free local port, in its own process group so that
/// Chromium and its helpers go with it.
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    async fn start(program: &Path) -> Self {
        let port = free_port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        let mut driver = Self { child, port };
        driver.wait_until_ready().await;
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls `GET /status` until chromedriver says it is ready, a bounded
    /// number of times.
    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("HTTP client");
        let status_url = format!("{}/status", self.url());
        for _ in 0..STATUS_TRIES {
            if let Some(exit) = self.child.try_wait().expect("poll chromedriver") {
                panic!("chromedriver exited before it was ready: {exit}");
            }
            if let Ok(response) = http.get(&status_url).send().await
                && let Ok(body) = response.json::<serde_json::Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return;
            }
            tokio::time::sleep(STATUS_POLL).await;
        }
        panic!(
            "chromedriver on port {} was not ready within {:?}",
            self.port,
            STATUS_POLL * STATUS_TRIES
        );
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The whole group: chromedriver, and any Chromium left behind by a
        // test that panicked before closing its session.
        let group = format!("-{}", self.child.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !killed {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now: bind port 0, read it, let it go.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("find a free local port")
        .port()
}

fn find_chromium() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian.to_owned());
    }
    find_program("chromium")
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
