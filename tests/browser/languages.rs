//! A browser set to another language gets latchkey in it: the language a
//! person picks in Chromium's settings becomes its `Accept-Language`, and
//! the pages follow it through a failed sign-in, the account page and
//! signing out. The screenshots are the README's German pictures.

use crate::browser::{Browser, text};
use crate::support::{EMAIL, PASSWORD, TestApp};

const USERNAME: &str = r#"form[action="/login"] input#username"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const SIGN_OUT: &str = r#"form[action="/logout"] button[type="submit"]"#;

async fn page_language(browser: &Browser) -> String {
    let lang = browser
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .expect("read <html lang>");
    lang.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_browser_set_to_german_signs_in_and_out_in_german() {
    let Some(browser) = Browser::start_speaking(Some("de-DE,de,en-US,en")).await else {
        return;
    };
    let app = TestApp::spawn().await;

    browser.goto(&app.url("/login?next=/")).await;
    browser.wait_for(SIGN_IN).await;
    assert_eq!(page_language(&browser).await, "de");
    assert_eq!(text(&browser.find(SIGN_IN).await).await.trim(), "Anmelden");
    browser.screenshot("login-de.png").await;

    browser.type_into(USERNAME, EMAIL).await;
    browser
        .type_into(PASSWORD_FIELD, "not the password at all")
        .await;
    browser.click(SIGN_IN).await;
    let error = browser
        .wait_for(r#"p#form-error.error[role="alert"]"#)
        .await;
    assert_eq!(
        text(&error).await.trim(),
        "E-Mail-Adresse oder Passwort ist falsch."
    );
    browser.screenshot("login-error-de.png").await;

    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;
    browser.wait_for("#account-email").await;
    assert_eq!(text(&browser.find("h1").await).await.trim(), "Angemeldet");
    assert_eq!(page_language(&browser).await, "de");
    browser.screenshot("account-de.png").await;

    browser.click(SIGN_OUT).await;
    browser.wait_for(r#"p.notice[role="status"]"#).await;
    assert_eq!(page_language(&browser).await, "de");
    assert_eq!(text(&browser.find(SIGN_IN).await).await.trim(), "Anmelden");
    browser.close().await;
}

#[tokio::test]
async fn a_browser_set_to_a_language_latchkey_lacks_gets_the_default() {
    // Dutch, then Polish: neither is spoken, so the server's default. (Not
    // Traditional Chinese: Chromium adds the bare `zh` after `zh-TW`, and
    // that is Simplified Chinese here.)
    let Some(browser) = Browser::start_speaking(Some("nl-NL,pl")).await else {
        return;
    };
    let app = TestApp::spawn().await;
    browser.goto(&app.url("/login")).await;
    browser.wait_for(SIGN_IN).await;
    assert_eq!(page_language(&browser).await, "en");
    assert_eq!(text(&browser.find(SIGN_IN).await).await.trim(), "Sign in");
    browser.close().await;
}
