//! axe-core inside the page, and the colour scheme the page is seen in.
//!
//! axe-core is pinned in `tests/browser/axe/package-lock.json`; `npm ci`
//! there (as `.ci/run` does) puts it in `node_modules`. Each check injects
//! `axe.min.js` into the page through WebDriver (not the page's CSP) and
//! runs every rule axe has enabled by default.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use crate::browser::Browser;

/// Light, then dark, for every page.
#[derive(Clone, Copy, Debug)]
pub enum Scheme {
    Light,
    Dark,
}

fn axe_script() -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/axe/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "read {}: {e}; run `npm ci` in tests/browser/axe (.ci/run does)",
                path.display()
            )
        })
    })
}

/// chromedriver's pass-through to the DevTools protocol, which WebDriver
/// has no command for media emulation without.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Makes the browser report `prefers-color-scheme: <scheme>` to the page,
/// and checks that the page now sees it.
pub async fn show_in(browser: &Browser, scheme: Scheme) {
    let value = match scheme {
        Scheme::Light => "light",
        Scheme::Dark => "dark",
    };
    browser
        .client
        .issue_cmd(DevTools {
            cmd: "Emulation.setEmulatedMedia",
            params: json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }),
        })
        .await
        .expect("chromedriver emulates the colour scheme");
    let seen = browser
        .client
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await
        .expect("ask the page for its colour scheme");
    assert_eq!(
        seen,
        json!(matches!(scheme, Scheme::Dark)),
        "the page does not see the {value} scheme"
    );
}

/// Runs axe on the page as it is now, in light and then in dark, and fails
/// with every violation (rule, help, where) found in either; leaves the
/// page light.
pub async fn assert_accessible(browser: &Browser, what: &str) {
    let mut found = Vec::new();
    for scheme in [Scheme::Light, Scheme::Dark] {
        show_in(browser, scheme).await;
        for violation in violations(browser).await {
            found.push(format!("[{scheme:?}] {violation}"));
        }
    }
    show_in(browser, Scheme::Light).await;
    assert!(
        found.is_empty(),
        "axe found {} violation(s) on {what}:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// axe's violations on the page as shown now, one line each.
async fn violations(browser: &Browser) -> Vec<String> {
    let client = &browser.client;
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("look for axe");
    if loaded != json!(true) {
        client
            .execute(axe_script(), vec![])
            .await
            .expect("inject axe-core into the page");
    }
    let report = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] })
              .then(r => done(r.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " -> " + n.failureSummary),
              }))))
              .catch(e => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .expect("run axe in the page");
    if let Some(error) = report.get("error") {
        panic!("axe failed to run: {error}");
    }
    let list = report.as_array().expect("a list of violations");
    list.iter()
        .map(|v| {
            format!(
                "{} ({}): {}\n    {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                v["nodes"]
                    .as_array()
                    .map(|nodes| nodes
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("\n    "))
                    .unwrap_or_default()
            )
        })
        .collect()
}
