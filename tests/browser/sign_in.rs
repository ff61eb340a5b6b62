//! What a person sees signing in, failing to, and signing out.

use crate::browser::{Browser, text, value};
use crate::support::{EMAIL, PASSWORD, TestApp};

const LOGIN_FORM: &str = r#"form[method="post"][action="/login"]"#;
const USERNAME: &str = r#"form[action="/login"] input#username[name="username"]"#;
const PASSWORD_FIELD: &str =
    r#"form[action="/login"] input#password[name="password"][type="password"]"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const LOGIN_ERROR: &str = r#"p#form-error.error[role="alert"]"#;
const SIGNED_OUT_NOTICE: &str = r#"p.notice[role="status"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";
const SIGN_OUT: &str = r#"form[method="post"][action="/logout"] button[type="submit"]"#;

#[tokio::test]
async fn a_person_signs_in_sees_the_account_page_and_signs_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;

    browser.goto(&app.url("/login?next=/")).await;
    browser.wait_for(LOGIN_FORM).await;
    assert_eq!(text(&browser.find(SIGN_IN).await).await.trim(), "Sign in");
    browser.screenshot("login.png").await;

    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;

    let shown_email = browser.wait_for(ACCOUNT_EMAIL).await;
    assert_eq!(text(&shown_email).await.trim(), EMAIL);
    let heading = text(&browser.find("h1").await).await;
    assert!(
        heading.contains("Signed in"),
        "the account page's heading is {heading:?}"
    );
    assert_eq!(browser.location().await.0, "/");
    assert_eq!(text(&browser.find(SIGN_OUT).await).await.trim(), "Sign out");
    browser.screenshot("account.png").await;

    browser.click(SIGN_OUT).await;
    let notice = browser.wait_for(SIGNED_OUT_NOTICE).await;
    assert_eq!(text(&notice).await.trim(), "You have been signed out.");
    let (path, query) = browser.location().await;
    assert_eq!(path, "/login");
    assert!(
        query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|pair| pair == "signed_out=1")),
        "after signing out the query is {query:?}"
    );

    // Signed out for real: the account page now sends the browser to log in.
    browser.goto(&app.url("/")).await;
    browser.wait_for(LOGIN_FORM).await;
    assert_eq!(browser.location().await.0, "/login");

    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_and_keeps_the_email_only() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;

    browser.goto(&app.url("/login")).await;
    browser.wait_for(LOGIN_FORM).await;
    browser.type_into(USERNAME, EMAIL).await;
    browser
        .type_into(PASSWORD_FIELD, "not the right password at all")
        .await;
    browser.click(SIGN_IN).await;

    let error = browser.wait_for(LOGIN_ERROR).await;
    let message = text(&error).await;
    assert!(
        message.contains("Incorrect email or password"),
        "the error says {message:?}"
    );
    assert_eq!(browser.location().await.0, "/login");
    assert_eq!(value(&browser.find(USERNAME).await).await, EMAIL);
    assert_eq!(value(&browser.find(PASSWORD_FIELD).await).await, "");
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Id("account-email"))
            .await
            .is_err(),
        "a wrong password must not show the account page"
    );
    browser.screenshot("login-error.png").await;

    browser.close().await;
}
