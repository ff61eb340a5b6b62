//! A person who uses the keyboard alone signs in from an application:
//! password, authenticator code, consent, and then ends another session
//! on the account page. Only Tab, Shift+Tab, Enter, Space and typing into
//! whatever has the focus; nothing is clicked.

use fantoccini::key::Key;
use latchkey::auth::totp;
use latchkey::clock::now_unix;
use latchkey::db::{second_factor, users};

use crate::browser::{Browser, text};
use crate::keys::{focused, focused_is, press, shift_tab, tab_to, type_text};
use crate::support::{
    Browser as HttpBrowser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, query_param,
};

const USERNAME: &str = r#"form[action="/login"] input#username"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password"#;
const CODE: &str = r#"form[action="/login/second-factor"] input#code"#;
const CONTINUE: &str = r#"form[action="/login/second-factor"] button[type="submit"]"#;
const ALLOW: &str = r#"form[action="/authorize"] button[value="allow"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";
const END_OTHER_SESSION: &str = r#"form[action="/account/sessions/end"] button[type="submit"]"#;
const NOTICE: &str = r#"p.notice[role="status"]"#;

/// Turns on an authenticator app for alice straight in the database;
/// returns its key.
fn with_authenticator(app: &TestApp) -> String {
    let secret = totp::new_secret();
    let mut conn = app.connection();
    let alice = users::find_by_email(&mut conn, EMAIL)
        .expect("look up alice")
        .expect("alice exists");
    assert!(second_factor::start_totp(&mut conn, alice.id, &secret).expect("store the key"));
    // No step spent yet that the code typed below could be.
    let long_ago = totp::step_at(now_unix()) - 10;
    assert!(second_factor::enable_totp(&mut conn, alice.id, long_ago, &[]).expect("enable"));
    secret
}

async fn assert_focused(browser: &Browser, css: &str) {
    assert!(
        focused_is(browser, css).await,
        "expected the focus on `{css}`, it is on {}",
        focused(browser).await
    );
}

#[tokio::test]
async fn the_whole_sign_in_consent_and_account_flow_works_with_the_keyboard_alone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    // Another session to end, signed in before the second factor is on.
    let phone = HttpBrowser::new(&app);
    assert_eq!(phone.sign_in("/login", EMAIL, PASSWORD).await.status(), 303);
    let secret = with_authenticator(&app);
    // The application's callback is latchkey's own account page, so the
    // flow ends where the last step starts.
    let redirect_uri = app.url("/");
    let client = app.add_client(ClientSpec {
        redirect_uris: &[&redirect_uri],
        trusted: false,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let authorize = pkce.authorize_url(
        &app.url("/authorize"),
        &client.id,
        &redirect_uri,
        "openid email",
        "keyboard",
    );
    browser.goto(&authorize).await;

    // The login page: the focus starts in the email field.
    browser.wait_for(USERNAME).await;
    assert_focused(&browser, USERNAME).await;
    type_text(&browser, EMAIL).await;
    tab_to(&browser, PASSWORD_FIELD).await;
    type_text(&browser, PASSWORD).await;
    shift_tab(&browser).await;
    assert_focused(&browser, USERNAME).await;
    tab_to(&browser, PASSWORD_FIELD).await;
    press(&browser, Key::Enter).await;

    // The second step: the focus starts in the code field.
    browser.wait_for(CODE).await;
    assert_focused(&browser, CODE).await;
    let code = totp::code_at(&secret, totp::step_at(now_unix())).expect("a code");
    type_text(&browser, &code).await;
    tab_to(&browser, CONTINUE).await;
    press(&browser, Key::Space).await;

    // Consent: the application is not trusted, so the person is asked.
    browser.wait_for(ALLOW).await;
    let heading = text(&browser.find("h1").await).await;
    assert!(heading.contains("Test App"), "{heading:?}");
    tab_to(&browser, ALLOW).await;
    press(&browser, Key::Enter).await;

    // Back at the application (here: the account page) with a code.
    browser.wait_for(ACCOUNT_EMAIL).await;
    let (path, query) = browser.location().await;
    assert_eq!(path, "/");
    let query = query.expect("the callback's query");
    let callback = format!("{redirect_uri}?{query}");
    assert!(query_param(&callback, "code").is_some(), "{query}");
    assert_eq!(query_param(&callback, "state").as_deref(), Some("keyboard"));

    // The account page: end the other session.
    assert_eq!(phone.get("/").await.status(), 200, "the phone is signed in");
    tab_to(&browser, END_OTHER_SESSION).await;
    press(&browser, Key::Space).await;
    let notice = text(&browser.wait_for(NOTICE).await).await;
    assert_eq!(notice.trim(), "That session has ended.");
    assert_eq!(
        phone.get("/").await.status(),
        303,
        "the phone is signed out"
    );

    browser.close().await;
}
