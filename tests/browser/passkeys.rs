//! A person adds a passkey in real Chromium (chromedriver's virtual
//! authenticator: CTAP2, internal, resident keys, user verification),
//! signs out, signs in with the passkey alone, then signs in with the
//! password and the passkey as second factor. The page's script, the
//! CSP and the browser's own WebAuthn checks (origin, RP id) all take part.

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::json;

use crate::browser::{Browser, text};
use crate::support::{EMAIL, PASSWORD, TestApp};

const USERNAME: &str = r#"form[action="/login"] input#username[name="username"]"#;
const PASSWORD_FIELD: &str =
    r#"form[action="/login"] input#password[name="password"][type="password"]"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";
const SIGN_OUT: &str = r#"form[method="post"][action="/logout"] button[type="submit"]"#;
const NOTICE: &str = r#"p.notice[role="status"]"#;
const PASSKEY_NAME: &str = "#passkey-add:not([hidden]) input#passkey_name";
const ADD_PASSKEY: &str = r#"#passkey-add:not([hidden]) button[data-passkey="create"]"#;
const LISTED: &str = "ul.passkeys li";
const PASSKEY_SIGN_IN: &str = r#"#passkey-sign-in:not([hidden]) button[data-passkey="get"]"#;
const PASSKEY_SECOND_FACTOR: &str =
    r#"#passkey-second-factor:not([hidden]) button[data-passkey="get"]"#;

/// WebDriver's "Add Virtual Authenticator" (WebAuthn Level 2 §11.3),
/// which fantoccini has no helper for.
#[derive(Debug)]
struct AddVirtualAuthenticator;

impl WebDriverCompatibleCommand for AddVirtualAuthenticator {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/webauthn/authenticator"))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn enter_password(browser: &Browser, app: &TestApp) {
    browser.goto(&app_url(app, "/login?next=/")).await;
    browser.wait_for(USERNAME).await;
    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;
}

/// Browsers offer WebAuthn on `localhost` over plain http, not on an IP.
fn app_url(app: &TestApp, path: &str) -> String {
    format!(
        "{}{path}",
        app.settings.public_url.as_deref().expect("public URL")
    )
}

#[tokio::test]
async fn a_person_adds_a_passkey_and_signs_in_with_it_alone_and_as_second_factor() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_at_own_url_with(|s| {
        s.public_url = Some(format!("http://localhost:{}", s.bind.port()));
    })
    .await;
    let authenticator = browser
        .client
        .issue_cmd(AddVirtualAuthenticator)
        .await
        .expect("chromedriver adds a virtual authenticator");
    assert!(authenticator.as_str().is_some(), "{authenticator}");

    enter_password(&browser, &app).await;
    browser.wait_for(ACCOUNT_EMAIL).await;
    // The script shows the form it drives.
    browser.type_into(PASSKEY_NAME, "Virtual key").await;
    browser.click(ADD_PASSKEY).await;
    let notice = text(&browser.wait_for(NOTICE).await).await;
    assert_eq!(notice.trim(), "Your passkey has been added.");
    let listed = text(&browser.find(LISTED).await).await;
    assert!(listed.contains("Virtual key"), "{listed:?}");
    assert!(listed.contains("never used"), "{listed:?}");
    browser.screenshot("passkeys-account.png").await;

    // Signed out, then in with the passkey alone: no email, no password.
    browser.click(SIGN_OUT).await;
    browser.wait_for(PASSKEY_SIGN_IN).await;
    browser.screenshot("passkeys-login.png").await;
    browser.click(PASSKEY_SIGN_IN).await;
    let email = text(&browser.wait_for(ACCOUNT_EMAIL).await).await;
    assert_eq!(email.trim(), EMAIL);
    let listed = text(&browser.find(LISTED).await).await;
    assert!(!listed.contains("never used"), "{listed:?}");

    // The password now asks for the passkey too.
    browser.click(SIGN_OUT).await;
    browser.wait_for(USERNAME).await;
    enter_password(&browser, &app).await;
    browser.wait_for(PASSKEY_SECOND_FACTOR).await;
    assert_eq!(browser.location().await.0, "/login/second-factor");
    browser.click(PASSKEY_SECOND_FACTOR).await;
    let email = text(&browser.wait_for(ACCOUNT_EMAIL).await).await;
    assert_eq!(email.trim(), EMAIL);
    browser.close().await;
}
