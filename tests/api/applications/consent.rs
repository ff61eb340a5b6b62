//! The consent page: asked once, again when scopes grow, deniable, and
//! safe from forgery and framing.

use super::{authorize_path, walk_to_callback};
use crate::support::{
    Browser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, assert_page_headers, hidden_fields,
    location, query_param,
};

/// Signs `browser` in through a trusted client's flow.
async fn signed_in_browser(app: &TestApp) -> Browser {
    let browser = Browser::new(app);
    let login = browser.sign_in("/login", EMAIL, PASSWORD).await;
    assert_eq!(login.status(), 303);
    browser
}

#[tokio::test]
async fn consent_is_asked_once_remembered_and_asked_again_when_scopes_grow() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let browser = signed_in_browser(&app).await;

    let ask = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("scope", "openid")],
        ))
        .await;
    assert_eq!(ask.status(), 200);
    assert_page_headers(&ask);
    let page = ask.text().await.expect("body");
    assert!(page.contains("Allow Test App?"), "{page}");
    assert!(page.contains("app.example"), "the destination is shown");

    walk_to_callback(
        &app,
        &browser,
        &authorize_path(&client, &Pkce::new(), &[("scope", "openid")]),
    )
    .await;
    let remembered = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("scope", "openid")],
        ))
        .await;
    assert_eq!(remembered.status(), 302, "no second question");

    let more = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("scope", "openid email")],
        ))
        .await;
    assert_eq!(more.status(), 200, "asked again for email");

    let forced = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("scope", "openid"), ("prompt", "consent")],
        ))
        .await;
    assert_eq!(forced.status(), 200, "prompt=consent asks again");

    let none = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("scope", "openid email"), ("prompt", "none")],
        ))
        .await;
    assert_eq!(
        query_param(&location(&none), "error").as_deref(),
        Some("consent_required")
    );
}

#[tokio::test]
async fn a_trusted_client_skips_consent() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let browser = signed_in_browser(&app).await;
    let response = browser
        .get(&authorize_path(&client, &Pkce::new(), &[]))
        .await;
    assert_eq!(response.status(), 302);
    assert!(query_param(&location(&response), "code").is_some());
}

/// The consent form's fields, with `decision`.
async fn consent_fields(browser: &Browser, path: &str, decision: &str) -> Vec<(String, String)> {
    let page = browser.get(path).await.text().await.expect("body");
    let mut fields = hidden_fields(&page);
    fields.push(("decision".into(), decision.into()));
    fields
}

#[tokio::test]
async fn deny_goes_back_with_access_denied_and_remembers_nothing() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let browser = signed_in_browser(&app).await;
    let path = authorize_path(&client, &Pkce::new(), &[]);
    let fields = consent_fields(&browser, &path, "deny").await;
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let denied = browser.post("/authorize", &pairs).await;
    assert_eq!(denied.status(), 303);
    let to = location(&denied);
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-1"));
    assert!(query_param(&to, "code").is_none());
    assert_eq!(browser.get(&path).await.status(), 200, "asked again");
}

#[tokio::test]
async fn a_forged_consent_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let browser = signed_in_browser(&app).await;
    let path = authorize_path(&client, &Pkce::new(), &[]);
    let fields = consent_fields(&browser, &path, "allow").await;

    // No token, or a wrong one.
    let without: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(browser.post("/authorize", &without).await.status(), 403);
    let mut wrong = without.clone();
    wrong.push(("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(browser.post("/authorize", &wrong).await.status(), 403);

    // A right token posted from another site.
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cross_site = browser
        .http
        .post(app.url("/authorize"))
        .header("Origin", "https://evil.example")
        .form(&pairs)
        .send()
        .await
        .expect("post");
    assert_eq!(cross_site.status(), 403);

    // A tampered redirect_uri in the form is checked like the query.
    let tampered: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "redirect_uri" {
                (*k, "https://evil.example/cb")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let response = browser.post("/authorize", &tampered).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());

    // Nothing was allowed by any of that.
    assert_eq!(browser.get(&path).await.status(), 200);
}
