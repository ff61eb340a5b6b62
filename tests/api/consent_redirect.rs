//! The pages whose forms end with a redirect to an application (the consent
//! page, and the login page of a trusted application's sign-in) must let the
//! browser follow it: browsers apply the page's CSP `form-action` to every
//! redirect after a form post, so a `form-action 'self'` strands the person
//! on latchkey's page (tests/browser/application.rs shows it in Chromium).
//! These check it without a browser.

use url::Url;

use crate::support::{
    Browser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, TestClient, hidden_fields, location,
    query_param,
};

const STATE: &str = "xyz-state";

#[tokio::test]
async fn the_consent_page_lets_its_form_send_the_browser_to_the_application() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let browser = Browser::new(&app);
    let pkce = Pkce::new();
    let to_login = browser.get(&authorize_path(&client, &pkce)).await;
    let signed_in = browser.sign_in(&location(&to_login), EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);

    let consent = browser.get(&location(&signed_in)).await;
    assert_eq!(consent.status(), 200);
    let policy = csp(&consent);
    let html = consent.text().await.expect("the consent page");
    assert!(
        html.contains("Allow Test App?"),
        "not the consent page: {html}"
    );
    assert!(
        form_action_allows(&policy, &client.redirect_uri),
        "the consent page's CSP ({policy}) stops its form's redirect to {}",
        client.redirect_uri
    );

    let mut fields = hidden_fields(&html);
    assert!(
        fields
            .iter()
            .any(|(name, value)| name == "redirect_uri" && *value == client.redirect_uri),
        "the consent form carries the request on: {fields:?}"
    );
    fields.push(("decision".into(), "allow".into()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answered = browser.post("/authorize", &fields).await;
    assert_eq!(answered.status(), 303);
    let back = location(&answered);
    assert!(back.starts_with(&client.redirect_uri), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some(STATE));
    let code = query_param(&back, "code").expect("a code");

    // And the code works, with the verifier.
    let exchanged = app
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &client.redirect_uri),
                ("code_verifier", &pkce.verifier),
                ("client_id", &client.id),
                ("client_secret", client.secret.as_deref().expect("a secret")),
            ],
        )
        .await;
    assert_eq!(exchanged.status(), 200);
}

#[tokio::test]
async fn the_login_page_lets_a_trusted_applications_sign_in_reach_the_application() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let browser = Browser::new(&app);
    let to_login = browser.get(&authorize_path(&client, &Pkce::new())).await;
    let login_page = location(&to_login);
    let page = browser.get(&login_page).await;
    assert_eq!(page.status(), 200);
    let policy = csp(&page);
    assert!(
        form_action_allows(&policy, &client.redirect_uri),
        "the login page's CSP ({policy}) stops the redirects after sign-in on to {}",
        client.redirect_uri
    );

    // Sign-in, then straight back to the application: no consent page.
    let signed_in = browser.sign_in(&login_page, EMAIL, PASSWORD).await;
    let authorized = browser.get(&location(&signed_in)).await;
    assert_eq!(authorized.status(), 302);
    let back = location(&authorized);
    assert!(back.starts_with(&client.redirect_uri), "{back}");
    assert!(query_param(&back, "code").is_some(), "{back}");
}

fn authorize_path(client: &TestClient, pkce: &Pkce) -> String {
    pkce.authorize_url(
        "/authorize",
        &client.id,
        &client.redirect_uri,
        "read",
        STATE,
    )
}

fn csp(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().expect("ASCII CSP").to_owned())
        .unwrap_or_default()
}

/// Whether a CSP lets a form post end at `target` (CSP Level 3
/// `form-action`, which has no fallback to `default-src`): no such
/// directive, or a source naming `target`'s scheme, host or origin.
fn form_action_allows(policy: &str, target: &str) -> bool {
    let target = Url::parse(target).expect("target URL");
    let Some(sources) = policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("form-action "))
    else {
        return true;
    };
    let scheme = target.scheme();
    let host = target.host_str().expect("target host");
    let port = target.port_or_known_default().expect("target port");
    sources.split_whitespace().any(|source| {
        if source == "*" {
            return matches!(scheme, "http" | "https");
        }
        if source == format!("{scheme}:") {
            return true;
        }
        let (source_scheme, rest) = match source.split_once("://") {
            Some((s, rest)) => (Some(s), rest),
            None => (None, source),
        };
        if source.starts_with('\'') || source_scheme.is_some_and(|s| s != scheme) {
            return false;
        }
        let authority = rest.split('/').next().unwrap_or(rest);
        let (source_host, source_port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().ok()),
            None => (authority, None),
        };
        let default_port = Url::parse(&format!("{scheme}://x/"))
            .ok()
            .and_then(|u| u.port_or_known_default());
        source_host == host && source_port.or(default_port) == Some(port)
    })
}

#[test]
fn form_action_allows_reads_policies() {
    let target = "https://app.example/callback";
    assert!(form_action_allows("default-src 'none'", target));
    assert!(!form_action_allows("form-action 'self'", target));
    assert!(!form_action_allows("form-action 'none'", target));
    assert!(form_action_allows(
        "form-action 'self' https://app.example",
        target
    ));
    assert!(form_action_allows("form-action 'self' app.example", target));
    assert!(form_action_allows("form-action https:", target));
    assert!(!form_action_allows(
        "form-action 'self' https://app.example:8443",
        target
    ));
    assert!(!form_action_allows(
        "form-action 'self' http://app.example",
        target
    ));
    assert!(form_action_allows(
        "form-action 'self' http://127.0.0.1:4000",
        "http://127.0.0.1:4000/cb"
    ));
    assert!(!form_action_allows(
        "form-action 'self' http://127.0.0.1:4000",
        "http://127.0.0.1:4001/cb"
    ));
}
