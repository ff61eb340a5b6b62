//! `GET /metrics` as Prometheus scrapes it.

use std::collections::HashMap;

use crate::support::{EMAIL, TestApp};

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.text().await.expect("body")
}

/// Every sample as `series -> value`, where series is the name with its
/// labels exactly as written.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("`series value`");
            let value = value
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {l}"));
            (series.to_owned(), value)
        })
        .collect()
}

fn value(text: &str, series: &str) -> f64 {
    *samples(text)
        .get(series)
        .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
}

#[tokio::test]
async fn requests_and_logins_are_counted_by_route_pattern_and_status() {
    let app = TestApp::spawn().await;
    let token = app.access_token().await;
    assert_eq!(
        app.login(EMAIL, "not the password at all").await.status(),
        401
    );
    assert_eq!(app.get_me(&token).await.status(), 200);
    let probe = app.get("/wp-admin/setup-config.php").await;
    assert_eq!(probe.status(), 404);

    let text = scrape(&app).await;
    for (series, expected) in [
        (
            r#"latchkey_http_requests_total{route="/token",status="200"}"#,
            1.0,
        ),
        (
            r#"latchkey_http_requests_total{route="/token",status="401"}"#,
            1.0,
        ),
        (
            r#"latchkey_http_requests_total{route="/users/me",status="200"}"#,
            1.0,
        ),
        (
            r#"latchkey_http_requests_total{route="unmatched",status="404"}"#,
            1.0,
        ),
        (r#"latchkey_logins_total{result="succeeded"}"#, 1.0),
        (r#"latchkey_logins_total{result="failed"}"#, 1.0),
        (
            r#"latchkey_http_request_duration_seconds_count{route="/token",status="200"}"#,
            1.0,
        ),
        (
            r#"latchkey_http_request_duration_seconds_bucket{route="/token",status="200",le="+Inf"}"#,
            1.0,
        ),
        ("latchkey_password_hash_jobs", 0.0),
        ("latchkey_password_hash_queue_wait_seconds_count", 2.0),
        ("latchkey_password_hash_seconds_count", 2.0),
        ("latchkey_refresh_reuse_detected_total", 0.0),
        (r#"latchkey_logins_total{result="throttled"}"#, 0.0),
        ("latchkey_password_hash_capacity", 10.0),
        ("latchkey_db_pool_max_connections", 8.0),
    ] {
        assert_eq!(value(&text, series), expected, "{series} in:\n{text}");
    }
    assert!(
        value(
            &text,
            r#"latchkey_http_request_duration_seconds_sum{route="/token",status="200"}"#
        ) > 0.0
    );
    assert!(value(&text, r#"latchkey_db_pool_connections{state="idle"}"#) >= 1.0);
    // Two verifications at the test cost: each takes some time, far below a second.
    let hashing = value(&text, "latchkey_password_hash_seconds_sum");
    assert!(hashing > 0.0 && hashing < 2.0, "{text}");
    // A probed path never becomes a label.
    assert!(!text.contains("wp-admin"), "{text}");
}

#[tokio::test]
async fn the_exposition_is_well_formed_prometheus_text() {
    let app = TestApp::spawn().await;
    app.access_token().await;
    let text = scrape(&app).await;

    let mut types: HashMap<String, String> = HashMap::new();
    let mut helped: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(!help.trim().is_empty(), "{line}");
            helped.push(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(
                ["counter", "gauge", "histogram", "summary"].contains(&kind),
                "{line}"
            );
            assert!(
                helped.last() == Some(&name.to_owned()),
                "HELP before TYPE: {line}"
            );
            types.insert(name.to_owned(), kind.to_owned());
        }
    }
    for (name, kind) in &types {
        assert!(name.starts_with("latchkey_"), "{name}");
        match kind.as_str() {
            "counter" => assert!(name.ends_with("_total"), "{name}"),
            "histogram" | "summary" => assert!(name.ends_with("_seconds"), "{name}"),
            _ => {}
        }
    }
    for series in samples(&text).keys() {
        let name = series.split('{').next().expect("name");
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix).filter(|base| {
                    types
                        .get(*base)
                        .is_some_and(|k| k == "histogram" || k == "summary")
                })
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "{series} has no # TYPE");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{series}"
            );
        }
    }
}

#[tokio::test]
async fn each_server_counts_only_its_own_traffic() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    first.access_token().await;
    let text = scrape(&second).await;
    assert_eq!(
        value(&text, r#"latchkey_logins_total{result="succeeded"}"#),
        0.0
    );
}
