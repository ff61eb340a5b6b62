//! What the tests check in the server's answers: cookies, page headers,
//! OAuth errors.

use std::collections::HashMap;

/// One `Set-Cookie` header, split into its value and attributes.
#[derive(Debug)]
pub struct SetCookie {
    pub value: String,
    pub attributes: Vec<String>,
}

impl SetCookie {
    /// Whether the cookie carries `attribute` (e.g. `HttpOnly`,
    /// `SameSite=Lax`), in any case.
    pub fn has(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(attribute))
    }
}

/// The cookies a response sets, by name.
pub fn set_cookies(response: &reqwest::Response) -> HashMap<String, SetCookie> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|line| {
            let mut parts = line.split(';').map(str::trim);
            let (name, value) = parts.next()?.split_once('=')?;
            let attributes = parts.map(str::to_owned).collect();
            Some((
                name.to_owned(),
                SetCookie {
                    value: value.to_owned(),
                    attributes,
                },
            ))
        })
        .collect()
}

/// An HTML page with every header that keeps it out of caches and frames
/// and runs no script.
pub fn assert_page_headers(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "no script allowed: {csp}"
    );
}

/// A refused refresh: `400` with `error` = `invalid_grant`.
pub async fn assert_invalid_grant(response: reqwest::Response) {
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}
